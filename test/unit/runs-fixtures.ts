// Records for run-folder tests, complete enough to type-check against src/core/runs/types.ts.
import * as os from 'node:os';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import type { EpochRecord, RunStatus, RunSummary, SummaryScores } from '../../src/core/runs/types';

export function epochRecord(epoch: number, valFused: number, testFused = valFused): EpochRecord {
  const scores = (fused: number) => ({
    fused,
    unimodal: { a: fused - 0.1, b: fused - 0.2 },
    macroF1: fused,
    loss: 1 - fused,
  });
  return {
    type: 'epoch',
    epoch,
    epochs: 10,
    lr: 0.001,
    train: { loss: { a: 0.5, b: 0.6 }, acc: { a: 0.8, b: 0.7 }, fusedLoss: null, fusedAcc: null },
    val: scores(valFused),
    test: scores(testFused),
    fusionWeights: { a: 0.6, b: 0.4 },
    samplesPerSecond: 1000,
    seconds: 1.5,
    elapsed: 2 * epoch,
    best: false,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, epoch)).toISOString(),
  };
}

export function status(state: RunStatus['state'], pid: number, host = os.hostname()): RunStatus {
  return { state, pid, host, startedAt: '2026-01-01T00:00:00.000Z', endedAt: null, epoch: 2, epochs: 10 };
}

export function summary(
  seed: number,
  testFused: number,
  valFused: number,
  unimodal: Record<string, number>,
  extra: { bestEpoch?: number; seconds?: number } = {},
): RunSummary {
  const scores = (fused: number): SummaryScores => ({ fused, unimodal, macroF1: fused });
  return {
    state: 'completed',
    method: 'mla',
    seed,
    backend: 'cpu',
    epochs: 10,
    bestEpoch: extra.bestEpoch ?? 5,
    seconds: extra.seconds ?? 60,
    wallSeconds: 70,
    samplesPerSecond: 900,
    test: scores(testFused),
    val: scores(valFused),
    last: { test: scores(testFused), val: scores(valFused) },
    fusion: { type: 'entropy', perSample: true, epoch: extra.bestEpoch ?? 5 },
  };
}

/** config.json as the trainer writes it: a two-modality MLA config (a, b) and the run's own facts. */
export function runConfig(
  name: string,
  seed: number,
  group: string,
  extra: { method?: 'mla' | 'joint'; backend?: string; dataset?: string } = {},
): RunConfigRecord {
  const mlp = { type: 'mlp' as const, hidden: [8], dropout: 0, activation: 'relu' as const };
  return {
    name,
    dataset: extra.dataset ?? '/data/toy/dataset.json',
    inlineDataset: null,
    datasetBaseDir: '/data/toy',
    method: extra.method ?? 'mla',
    model: { featureDim: 8, encoders: { a: mlp, b: mlp } },
    mla: {
      order: ['a', 'b'],
      alternation: 'fixed',
      hgm: { mode: 'replace' },
      fusion: { type: 'entropy' },
      replicateTorchZeroGradQuirk: false,
    },
    ogm: { alpha: 0.5, start: 1, end: 10, noise: true },
    mmpareto: { gamma: 1.5 },
    gblending: { warmupEpochs: 2, holdout: 0.2 },
    reconboost: { stageEpochs: 2, rectifyEpochs: 1, lambda: 0.5 },
    preprocess: { scale: 'standardize', missingRate: { train: 0, test: 0 }, missingFill: 'skip' },
    training: {
      epochs: 10,
      batchSize: 16,
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
      lrSchedule: { type: 'none' },
      valFraction: 0.1,
    },
    seeds: [seed],
    backend: 'auto',
    threads: 'auto',
    run: {
      runId: `${name}_s${seed}`,
      seed,
      group,
      configFile: `/work/${name}.mla.json`,
      backend: extra.backend ?? 'wasm',
      backendsTried: [],
      versions: { mlaStudio: '0.1.0', tfjs: '4.22.0', node: 'v20.0.0' },
      host: os.hostname(),
      createdAt: group,
    },
  };
}
