// "Compare seeds": mean and sample standard deviation over the runs of one config, as the paper's tables
// report them (mean ± std over seeds), and per-epoch curves for ± std bands. The rule for one seed is the
// one of ./stats: its std is undefined.

import type { EpochRecord, RunSummary } from '../core/runs/types';
import { meanStd, type MeanStd } from './stats';

export interface SeedStat extends MeanStd {
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

/** Missing or non-finite values (a modality a summary lacks) are left out, so `n` may differ per figure. */
function statOf(summaries: RunSummary[], pick: (s: RunSummary) => number | undefined): SeedStat {
  const values: { seed: number; value: number }[] = [];
  for (const s of summaries) {
    const value = pick(s);
    if (typeof value === 'number' && Number.isFinite(value)) values.push({ seed: s.seed, value });
  }
  return { ...meanStd(values.map((v) => v.value)), values };
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

/** One epoch of a ± std band: the std over the seeds that reached this epoch (NaN when only one did). */
export interface CurvePoint extends MeanStd {
  epoch: number;
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
    .map(([epoch, values]) => ({ epoch, ...meanStd(values) }));
}
