// The figures a run contributes to the table: one split at one epoch, per modality and fused.

import type { RunInfo } from '../runs/reader';
import type { CompareEpoch, CompareMetric } from './types';

export interface RunScores {
  fused: number;
  unimodal: Record<string, number>;
}

/**
 * `best` is the epoch chosen on validation (never on test), `last` the last epoch, N that epoch. From
 * summary.json when the run finished, else from its epoch records; an error names the run folder.
 */
export function runScores(run: RunInfo, metric: CompareMetric, epoch: CompareEpoch): RunScores {
  if (typeof epoch === 'number') {
    const record = run.epochs.find((e) => e.epoch === epoch);
    if (!record)
      throw new Error(`${run.dir}: no epoch ${epoch} in metrics.jsonl (it has ${run.epochs.length})`);
    return record[metric];
  }
  if (run.summary !== null) return epoch === 'best' ? run.summary[metric] : run.summary.last[metric];
  if (run.epochs.length === 0) throw new Error(`${run.dir}: no finished epoch yet`);
  const chosen =
    epoch === 'last'
      ? run.epochs[run.epochs.length - 1]
      : run.epochs.reduce((best, e) => (e.val.fused > best.val.fused ? e : best));
  return chosen[metric];
}
