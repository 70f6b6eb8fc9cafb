// The dashboard's series work at growing run lengths: min/max downsampling of one chart and a whole frame
// (every series, smoothed) cut from the store. Both should grow linearly with the epochs held and stay far
// below a frame's budget at 100,000 epochs; printed as figures, since a timed test would only be flaky.
import { minMaxBuckets } from '../../src/core/series/downsample';
import { SeriesStore } from '../../src/core/series/seriesStore';
import type { EpochRecord } from '../../src/core/runs/types';
import { median, table } from './stats';

const SIZES = [1_000, 10_000, 100_000];
const REPEATS = 7;

function record(epoch: number): EpochRecord {
  const wave = Math.sin(epoch / 500);
  return {
    type: 'epoch',
    epoch,
    epochs: SIZES[SIZES.length - 1],
    lr: 0.01,
    train: { loss: { a: 1 / epoch, b: 2 / epoch }, acc: { a: 0.5, b: 0.4 }, fusedLoss: null, fusedAcc: null },
    val: { fused: 0.9 + 0.01 * wave, unimodal: { a: 0.8, b: 0.7 }, macroF1: 0.9, loss: 0.3 },
    test: { fused: 0.9 - 0.01 * wave, unimodal: { a: 0.81, b: 0.71 }, macroF1: 0.9, loss: 0.3 },
    fusionWeights: { a: 0.6, b: 0.4 },
    samplesPerSecond: 1000 + epoch,
    seconds: 1,
    elapsed: epoch * 2,
    best: false,
    time: '2026-01-01T00:00:00Z',
  };
}

/** Median milliseconds of `REPEATS` calls after one warm-up call. */
function timeMs(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

export function dashboardSeries(): void {
  const rows: string[][] = [];
  for (const n of SIZES) {
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500));
    const downsample = timeMs(() => minMaxBuckets(x, [y], 0, n, 800));
    const store = new SeriesStore();
    for (let e = 1; e <= n; e += 1000)
      store.append(Array.from({ length: Math.min(1000, n - e + 1) }, (_, i) => record(e + i)));
    const frame = timeMs(() => store.frame({ from: null, to: null, points: 800, smoothing: 0.9 }));
    rows.push([
      String(n),
      downsample.toFixed(2),
      ((downsample * 1e6) / n).toFixed(1),
      frame.toFixed(1),
      ((frame * 1e6) / n).toFixed(0),
    ]);
  }
  console.log('\nDashboard series (800 points wide; median of 7 calls)');
  console.log(table(['epochs', 'min/max 1 series ms', 'ns/epoch', 'smoothed frame ms', 'ns/epoch'], rows));
}
