// "Compare seeds": mean and sample standard deviation over the runs of one config, as the paper's tables
// report them (mean ± std over seeds), and per-epoch curves for ± std bands.

import type { EpochRecord, RunSummary } from './types';

/** `std` is the sample standard deviation (n − 1); NaN when n < 2, where it is undefined. */
export interface SeedStat {
  mean: number;
  std: number;
  n: number;
  values: { seed: number; value: number }[];
}

export interface SplitStats {
  test: SeedStat;
  val: SeedStat;
}

export interface SeedAggregate {
  seeds: number[];
  fused: SplitStats;
  unimodal: Record<string, SplitStats>;
  bestEpoch: SeedStat;
  seconds: SeedStat;
}

export function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function sampleStd(values: number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** Missing or non-finite values (a modality a summary lacks) are left out, so `n` may differ per figure. */
function statOf(summaries: RunSummary[], pick: (s: RunSummary) => number | undefined): SeedStat {
  const values: { seed: number; value: number }[] = [];
  for (const s of summaries) {
    const value = pick(s);
    if (typeof value === 'number' && Number.isFinite(value)) values.push({ seed: s.seed, value });
  }
  const numbers = values.map((v) => v.value);
  return { mean: mean(numbers), std: sampleStd(numbers), n: numbers.length, values };
}

/** Pass the summaries of one seed group; which runs count (e.g. only completed ones) is the caller's choice. */
export function aggregateSeeds(summaries: RunSummary[], modalities: string[]): SeedAggregate {
  const unimodal: Record<string, SplitStats> = {};
  for (const m of modalities) {
    unimodal[m] = {
      test: statOf(summaries, (s) => s.test.unimodal[m]),
      val: statOf(summaries, (s) => s.val.unimodal[m]),
    };
  }
  return {
    seeds: summaries.map((s) => s.seed),
    fused: { test: statOf(summaries, (s) => s.test.fused), val: statOf(summaries, (s) => s.val.fused) },
    unimodal,
    bestEpoch: statOf(summaries, (s) => s.bestEpoch),
    seconds: statOf(summaries, (s) => s.seconds),
  };
}

/** Fractions shown as percentages: `98.9 ± 0.1`; just `98.9` when std is undefined (one seed); `–` for none. */
export function formatMeanStd(mean: number, std: number, digits = 1): string {
  if (!Number.isFinite(mean)) return '–';
  const m = (mean * 100).toFixed(digits);
  return Number.isFinite(std) ? `${m} ± ${(std * 100).toFixed(digits)}` : m;
}

export interface CurvePoint {
  epoch: number;
  mean: number;
  /** Sample std over the seeds that reached this epoch; NaN when only one did. */
  std: number;
  n: number;
}

/**
 * Per-epoch mean and std of `metric` across seeds. Runs of different lengths (a seed stopped early) give
 * fewer values at later epochs; a repeated epoch within a run (resumed) counts once, the last record.
 */
export function aggregateEpochCurves(
  runs: EpochRecord[][],
  metric: (r: EpochRecord) => number,
): CurvePoint[] {
  const perEpoch = new Map<number, number[]>();
  for (const records of runs) {
    const lastOfEpoch = new Map<number, EpochRecord>();
    for (const r of records) lastOfEpoch.set(r.epoch, r);
    for (const [epoch, record] of lastOfEpoch) {
      const value = metric(record);
      if (!Number.isFinite(value)) continue;
      perEpoch.set(epoch, [...(perEpoch.get(epoch) ?? []), value]);
    }
  }
  return [...perEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([epoch, values]) => ({ epoch, mean: mean(values), std: sampleStd(values), n: values.length }));
}
