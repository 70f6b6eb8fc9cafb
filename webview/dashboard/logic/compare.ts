// The seed comparison's numbers: per seed group, the value of every run at the chosen epoch (best, last
// or a given one), mean and sample std across seeds, and per-epoch mean ± std curves for the charts.

import type {
  CompareGroup,
  EpochRecord,
  RunSummary,
  RunView,
  SummaryScores,
} from '../../../src/protocol/dashboard';
import { aggregateEpochCurves } from '../../../src/shared/aggregate';
import { meanStd, type MeanStd } from '../../../src/shared/stats';

export type EpochChoice = { kind: 'best' } | { kind: 'last' } | { kind: 'epoch'; epoch: number };
export type Split = 'test' | 'val';
export const FUSED = 'fused';

export interface SeedValue {
  seed: number | null;
  runId: string;
  value: number | null;
  /** The epoch the value is from (null: the run has no such epoch). */
  epoch: number | null;
  /** The run is still training: its figures move. */
  running: boolean;
}

export interface Cell extends MeanStd {
  values: SeedValue[];
}

export interface TableRow {
  key: string;
  name: string;
  method: string;
  primary: boolean;
  /** How many of the row's runs are still training. */
  running: number;
  cells: Record<string, Cell>;
  bestEpoch: Cell;
  duration: Cell;
}

export interface CompareTable {
  /** Modalities in the order the runs name them, then `fused` (the multimodal column). */
  columns: string[];
  rows: TableRow[];
  split: Split;
  choice: EpochChoice;
}

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

/** Scores of one run at the chosen epoch: the summary's where it has them (best, last), else the record's. */
export function scoresAt(
  run: RunView,
  records: EpochRecord[],
  choice: EpochChoice,
): { epoch: number; val: SummaryScores; test: SummaryScores } | null {
  const summary: RunSummary | null = run.summary;
  if (choice.kind === 'best' && summary)
    return { epoch: summary.bestEpoch, val: summary.val, test: summary.test };
  if (choice.kind === 'last' && summary && records.at(-1)?.epoch === summary.epochs)
    return { epoch: summary.epochs, val: summary.last.val, test: summary.last.test };
  let record: EpochRecord | undefined;
  if (choice.kind === 'best') record = records.filter((r) => r.best).at(-1);
  else if (choice.kind === 'last') record = records.at(-1);
  else record = records.find((r) => r.epoch === choice.epoch);
  return record ? { epoch: record.epoch, val: record.val, test: record.test } : null;
}

function cellOf(values: SeedValue[]): Cell {
  return { ...meanStd(values.map((v) => v.value)), values };
}

export function buildTable(groups: CompareGroup[], choice: EpochChoice, split: Split): CompareTable {
  const columns = [...modalitiesOf(groups), FUSED];
  const rows = groups.map((g): TableRow => {
    const at = g.runs.map(({ run, records }) => ({ run, records, s: scoresAt(run, records, choice) }));
    const cells: Record<string, Cell> = {};
    for (const column of columns) {
      cells[column] = cellOf(
        at.map(({ run, s }) => {
          const scores = s?.[split];
          const value = !scores ? null : column === FUSED ? scores.fused : (scores.unimodal[column] ?? null);
          return {
            seed: run.seed,
            runId: run.runId,
            value,
            epoch: s?.epoch ?? null,
            running: isRunning(run),
          };
        }),
      );
    }
    const bestEpoch = cellOf(
      at.map(({ run, records }) => {
        const best = run.summary?.bestEpoch ?? records.filter((r) => r.best).at(-1)?.epoch ?? null;
        return { seed: run.seed, runId: run.runId, value: best, epoch: best, running: isRunning(run) };
      }),
    );
    const duration = cellOf(
      at.map(({ run, records }) => ({
        seed: run.seed,
        runId: run.runId,
        value: run.summary?.wallSeconds ?? records.at(-1)?.elapsed ?? null,
        epoch: null,
        running: isRunning(run),
      })),
    );
    const running = g.runs.filter(({ run }) => isRunning(run)).length;
    return {
      key: g.key,
      name: g.name,
      method: g.method,
      primary: g.primary,
      running,
      cells,
      bestEpoch,
      duration,
    };
  });
  return { columns, rows, split, choice };
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

/** The groups the table shows: all but those the person removed, never none (the first stays). */
export function shownGroups(groups: CompareGroup[], removed: readonly string[]): CompareGroup[] {
  const shown = groups.filter((g) => !removed.includes(g.key));
  return shown.length > 0 || groups.length === 0 ? shown : [groups[0]];
}

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
