// The live view's numbers of one run, column by column (one Float64Array per series): compact enough to
// hold 100,000 epochs of every series, and what the charts are cut from (a range, downsampled, smoothed).
// Fed with epoch records in file order; a record for an epoch already held (a resumed run redoing it)
// rewinds the columns to that epoch, as readers of metrics.jsonl do ("the last record of an epoch wins").

import type { EpochRecord } from '../runs/types';
import { seriesKey, type SeriesFrame } from '../../shared/series';
import { minMaxBuckets } from './downsample';
import { smoothEma } from './smoothing';

const INITIAL_CAPACITY = 256;
/** Series whose smoothing would mislead (a step schedule's jumps are the information). */
const NEVER_SMOOTHED = new Set([seriesKey('lr')]);

export interface FrameRequest {
  from: number | null;
  to: number | null;
  points: number;
  smoothing: number;
}

export type FrameData = Omit<SeriesFrame, 'runDir' | 'append'>;

/** Every (key, value) an epoch record contributes to the charts. */
export function recordValues(r: EpochRecord): [string, number][] {
  const out: [string, number][] = [];
  const put = (key: string, v: number | null | undefined) => {
    if (typeof v === 'number') out.push([key, v]);
  };
  for (const [m, v] of Object.entries(r.train.loss)) put(seriesKey('trainLoss', m), v);
  for (const [m, v] of Object.entries(r.train.acc)) put(seriesKey('trainAcc', m), v);
  put(seriesKey('trainLoss', 'fused'), r.train.fusedLoss);
  put(seriesKey('trainAcc', 'fused'), r.train.fusedAcc);
  for (const [m, v] of Object.entries(r.val.unimodal)) put(seriesKey('val', m), v);
  put(seriesKey('val', 'fused'), r.val.fused);
  for (const [m, v] of Object.entries(r.test.unimodal)) put(seriesKey('test', m), v);
  put(seriesKey('test', 'fused'), r.test.fused);
  put(seriesKey('lr'), r.lr);
  put(seriesKey('speed'), r.samplesPerSecond);
  for (const [m, v] of Object.entries(r.fusionWeights)) put(seriesKey('weight', m), v);
  for (const [k, v] of Object.entries(r.diagnostics ?? {})) put(seriesKey('diag', k), v);
  return out;
}

export class SeriesStore {
  private epochs = new Float64Array(INITIAL_CAPACITY);
  private elapsed = new Float64Array(INITIAL_CAPACITY);
  private readonly columns = new Map<string, Float64Array>();
  private size = 0;
  /** The newest record (for the header and the latest-figures table). */
  latest: EpochRecord | null = null;

  get length(): number {
    return this.size;
  }

  get keys(): string[] {
    return [...this.columns.keys()];
  }

  get lastEpoch(): number {
    return this.size > 0 ? this.epochs[this.size - 1] : 0;
  }

  /** Epochs' wall-clock `elapsed`, the last `count` of them (for the time-left estimate). */
  recentElapsed(count: number): number[] {
    return Array.from(this.elapsed.subarray(Math.max(0, this.size - count), this.size));
  }

  clear(): void {
    this.size = 0;
    this.columns.clear();
    this.latest = null;
  }

  /** Returns true when a record rewound the store (the view must be redrawn, not appended to). */
  append(records: EpochRecord[]): boolean {
    let rewound = false;
    for (const r of records) {
      if (this.size > 0 && r.epoch <= this.epochs[this.size - 1]) {
        this.size = this.indexAtOrAfter(r.epoch);
        rewound = true;
      }
      this.ensureCapacity(this.size + 1);
      const i = this.size;
      this.epochs[i] = r.epoch;
      this.elapsed[i] = r.elapsed;
      for (const col of this.columns.values()) col[i] = NaN;
      for (const [key, value] of recordValues(r)) this.column(key)[i] = value;
      this.size++;
      this.latest = r;
    }
    return rewound;
  }

  /** The chart data for a request: the points of [from, to], downsampled to `points` buckets if needed. */
  frame(request: FrameRequest): FrameData {
    const start = request.from === null ? 0 : this.indexAtOrAfter(request.from);
    const end = request.to === null ? this.size : this.indexAfter(request.to);
    // One point beyond each end of a zoomed range, so lines run to the chart's edges.
    const s = Math.max(0, start - (request.from === null ? 0 : 1));
    const e = Math.min(this.size, end + (request.to === null ? 0 : 1));
    const keys = this.keys;
    const raw = keys.map((k) => this.columns.get(k)!);
    const buckets = Math.max(1, Math.floor(request.points));
    const base = minMaxBuckets(this.epochs, raw, s, e, buckets);
    let smoothed: Record<string, (number | null)[]> | null = null;
    if (request.smoothing > 0) {
      const smoothKeys = keys.filter((k) => !NEVER_SMOOTHED.has(k));
      // Smoothed over the whole run, then cut: zooming must not change the curve.
      const cols = smoothKeys.map((k) => smoothEma(this.columns.get(k)!, request.smoothing, e));
      const down = minMaxBuckets(this.epochs, cols, s, e, buckets);
      smoothed = Object.fromEntries(smoothKeys.map((k, i) => [k, down.columns[i]]));
    }
    return {
      x: base.x,
      series: Object.fromEntries(keys.map((k, i) => [k, base.columns[i]])),
      smoothed,
      smoothing: request.smoothing,
      from: request.from,
      to: request.to,
      total: this.size,
      inRange: end - start,
      downsampled: e - s > 2 * buckets,
    };
  }

  /** Points from index `start` on, raw (the "append" frame of a view that follows a short run). */
  tail(start: number, smoothing: number): FrameData {
    const keys = this.keys;
    const full = this.frame({ from: null, to: null, points: Number.MAX_SAFE_INTEGER, smoothing });
    const cut = <T>(a: T[]): T[] => a.slice(start);
    return {
      ...full,
      x: cut(full.x),
      series: Object.fromEntries(keys.map((k) => [k, cut(full.series[k])])),
      smoothed: full.smoothed
        ? Object.fromEntries(Object.entries(full.smoothed).map(([k, v]) => [k, cut(v)]))
        : null,
    };
  }

  private column(key: string): Float64Array {
    let col = this.columns.get(key);
    if (!col) {
      col = new Float64Array(this.epochs.length).fill(NaN);
      this.columns.set(key, col);
    }
    return col;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.epochs.length) return;
    const capacity = Math.max(n, this.epochs.length * 2);
    const grow = (a: Float64Array, fill: number) => {
      const b = new Float64Array(capacity).fill(fill);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.epochs = grow(this.epochs, 0);
    this.elapsed = grow(this.elapsed, 0);
    for (const [k, col] of this.columns) this.columns.set(k, grow(col, NaN));
  }

  /** First index whose epoch is ≥ `epoch`. */
  private indexAtOrAfter(epoch: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.epochs[mid] < epoch) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose epoch is > `epoch`. */
  private indexAfter(epoch: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.epochs[mid] <= epoch) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
