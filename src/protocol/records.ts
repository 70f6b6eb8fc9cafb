// Codecs of the run-folder records that travel in messages (the trainer's `epoch` and `run-ended` events,
// `mla eval --json`). The records' types stay where the run folder's format is declared
// (src/core/runs/types.ts); the checks at the end fail to compile if a codec and its type drift apart.

import type { RunState, RunSummary, SplitScores, SummaryScores, EpochRecord } from '../core/runs/types';
import * as c from './codec';

/**
 * A figure as JSON carries it: a number, or null where the writer's value was not finite (JSON.stringify
 * writes NaN and ±Infinity as null), decoded back to NaN so views show it as missing.
 */
export const metric: c.Codec<number> = {
  decode: (value, at) => (value === null ? NaN : c.number.decode(value, at)),
};

export const runState = c.literal('running', 'completed', 'stopped', 'failed');

export const splitScores = c.object({
  fused: metric,
  unimodal: c.record(metric),
  macroF1: metric,
  loss: metric,
});

export const summaryScores = c.object({ fused: metric, unimodal: c.record(metric), macroF1: metric });

export const epochRecord = c.object({
  type: c.literal('epoch'),
  epoch: c.integer(0),
  epochs: c.integer(0),
  lr: metric,
  train: c.object({
    loss: c.record(metric),
    acc: c.record(metric),
    fusedLoss: c.nullable(metric),
    fusedAcc: c.nullable(metric),
  }),
  val: splitScores,
  test: splitScores,
  fusionWeights: c.record(metric),
  samplesPerSecond: metric,
  seconds: metric,
  elapsed: metric,
  best: c.boolean,
  time: c.string,
  diagnostics: c.optional(c.record(metric)),
});

export const runSummary = c.object({
  state: runState,
  method: c.string,
  seed: c.integer(0),
  backend: c.string,
  epochs: c.integer(0),
  bestEpoch: c.integer(0),
  seconds: metric,
  wallSeconds: metric,
  samplesPerSecond: metric,
  test: summaryScores,
  val: summaryScores,
  last: c.object({ test: summaryScores, val: summaryScores }),
  fusion: c.object({ type: c.string, perSample: c.boolean, epoch: c.integer(0) }),
});

// Compile-time: each codec decodes exactly the record type the run folder declares.
const checks: [
  c.Same<c.Infer<typeof runState>, RunState>,
  c.Same<c.Infer<typeof splitScores>, SplitScores>,
  c.Same<c.Infer<typeof summaryScores>, SummaryScores>,
  c.Same<c.Infer<typeof epochRecord>, EpochRecord>,
  c.Same<c.Infer<typeof runSummary>, RunSummary>,
] = [true, true, true, true, true];
void checks;
