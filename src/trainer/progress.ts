// What a person sees in a terminal while a run trains: on a TTY one live line (epoch, batch, ETA, the last
// epoch's accuracies) redrawn a few times a second; otherwise one plain line per epoch, for logs and CI.

import type { BatchProgress } from '../core/train/session';
import { pct } from '../shared/format';
import type { EpochRecord } from '../core/runs/types';

const REDRAW_MS = 150;
const BAR_WIDTH = 20;

export interface ProgressOutput {
  isTTY: boolean;
  columns: number;
  write(text: string): void;
}

export class ProgressReporter {
  private lastDraw = 0;
  private last: EpochRecord | null = null;
  private lineOpen = false;
  private lastEpochAt = 0;
  private evalSeconds = 0;

  constructor(
    private readonly out: ProgressOutput,
    private readonly label: string,
  ) {}

  batch(p: BatchProgress): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS && p.batch < p.batches) return;
    this.lastDraw = now;
    const done = (p.epoch - 1) * p.batches + p.batch;
    const total = p.epochs * p.batches;
    const perBatch = p.sessionSeconds / Math.max(1, p.sessionBatches);
    // Evaluation is not in the per-batch figure: add the last epoch's evaluation time per remaining epoch.
    const eta = (total - done) * perBatch + (p.epochs - p.epoch + 1) * this.evalSeconds;
    const filled = Math.round((BAR_WIDTH * p.batch) / p.batches);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    let line =
      `${this.label} epoch ${p.epoch}/${p.epochs} ${bar} batch ${p.batch}/${p.batches}` +
      ` │ ETA ${formatDuration(eta)}`;
    if (this.last) line += ` │ ${accuracies(this.last)}`;
    this.draw(line);
  }

  epoch(r: EpochRecord): void {
    const now = Date.now();
    if (this.lastEpochAt > 0) this.evalSeconds = Math.max(0, (now - this.lastEpochAt) / 1000 - r.seconds);
    this.lastEpochAt = now;
    this.last = r;
    if (this.out.isTTY) return;
    this.out.write(`${this.label} ${plainEpochLine(r)}\n`);
  }

  /** Ends the live line so that what follows starts on a fresh line. */
  finish(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }

  private draw(line: string): void {
    const width = Math.max(20, this.out.columns - 1);
    const text = line.length > width ? line.slice(0, width - 1) + '…' : line;
    this.out.write(`\r${text}\x1b[K`);
    this.lineOpen = true;
  }
}

export function plainEpochLine(r: EpochRecord): string {
  const losses = Object.entries(r.train.loss)
    .map(([m, v]) => `${m}=${fixed(v, 3)}`)
    .join(' ');
  return (
    `epoch ${r.epoch}/${r.epochs} lr ${r.lr.toExponential(1)} loss ${losses}` +
    (r.train.fusedLoss !== null ? ` fused=${fixed(r.train.fusedLoss, 3)}` : '') +
    ` │ ${accuracies(r)} │ ${r.seconds.toFixed(2)}s${r.best ? ' *' : ''}`
  );
}

function accuracies(r: EpochRecord): string {
  const uni = Object.entries(r.test.unimodal)
    .map(([m, v]) => `${m} ${pct(v)}`)
    .join(' ');
  return `val ${pct(r.val.fused)} test ${pct(r.test.fused)} (${uni})`;
}

function fixed(v: number | null | undefined, digits: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
