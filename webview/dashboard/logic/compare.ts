// The seed comparison's curves: per-epoch mean ± std across a group's seeds for the charts, the epochs
// every run reached (the range a typed epoch is kept in), which runs still train, and which configs are
// shown. The table itself is built by the host, with `mla compare`'s code (src/core/compare).

import type { CompareGroup, EpochRecord, RunView } from '../../../src/protocol/dashboard';
import { aggregateEpochCurves } from '../../../src/shared/aggregate';

export type EpochChoice = { kind: 'best' } | { kind: 'last' } | { kind: 'epoch'; epoch: number };
export type Split = 'test' | 'val';
export const FUSED = 'fused';

export function choiceLabel(choice: EpochChoice): string {
  if (choice.kind === 'best') return 'at the best validation epoch';
  if (choice.kind === 'last') return 'at the last epoch';
  return `at epoch ${choice.epoch}`;
}

export function modalitiesOf(groups: CompareGroup[]): string[] {
  const seen: string[] = [];
  for (const g of groups)
    for (const { run } of g.runs) for (const m of run.modalities) if (!seen.includes(m)) seen.push(m);
  return seen;
}

export function isRunning(run: RunView): boolean {
  return run.state === 'running' || run.state === 'remote';
}

/**
 * The epochs every run of the comparison reached, as a range for "at epoch N": from the latest first epoch
 * to the earliest last one (a run still training moves the end). Null when some run has no epoch yet.
 */
export function commonEpochRange(groups: CompareGroup[]): { min: number; max: number } | null {
  const runs = groups.flatMap((g) => g.runs.map((r) => r.records.map((rec) => rec.epoch)));
  if (runs.length === 0 || runs.some((epochs) => epochs.length === 0)) return null;
  const min = Math.max(...runs.map((epochs) => Math.min(...epochs)));
  const max = Math.min(...runs.map((epochs) => Math.max(...epochs)));
  return min <= max ? { min, max } : null;
}

/** A typed epoch, rounded and clamped into the range (null when there is no range or no number). */
export function clampEpoch(value: number, range: { min: number; max: number } | null): number | null {
  if (range === null || !Number.isFinite(value)) return null;
  return Math.min(range.max, Math.max(range.min, Math.round(value)));
}

export { shownGroups } from '../../../src/shared/shownGroups';

export interface BandCurve {
  x: number[];
  mean: number[];
  /** mean − std and mean + std (the mean itself where std is undefined: one seed). */
  lo: number[];
  hi: number[];
}

/** Mean ± std across the group's seeds, per epoch, of one column of a split. */
export function bandCurve(group: CompareGroup, split: Split, column: string): BandCurve {
  const metric = (r: EpochRecord): number =>
    column === FUSED ? r[split].fused : (r[split].unimodal[column] ?? NaN);
  const points = aggregateEpochCurves(
    group.runs.map((r) => r.records),
    metric,
  );
  const std = (p: { std: number }) => (Number.isFinite(p.std) ? p.std : 0);
  return {
    x: points.map((p) => p.epoch),
    mean: points.map((p) => p.mean),
    lo: points.map((p) => p.mean - std(p)),
    hi: points.map((p) => p.mean + std(p)),
  };
}

/** Curves of different epochs on one x axis (uPlot's aligned data): missing points become null. */
export function alignCurves(curves: { x: number[]; ys: number[][] }[]): {
  x: number[];
  ys: (number | null)[][];
} {
  const x = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const ys: (number | null)[][] = [];
  for (const c of curves) {
    for (const y of c.ys) {
      const out: (number | null)[] = new Array(x.length).fill(null);
      c.x.forEach((xv, i) => (out[index.get(xv)!] = Number.isFinite(y[i]) ? y[i] : null));
      ys.push(out);
    }
  }
  return { x, ys };
}
