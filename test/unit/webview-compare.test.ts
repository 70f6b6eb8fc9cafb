import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpochRecord, RunSummary } from '../../src/core/runs/types';
import type { CompareGroup, RunView } from '../../src/protocol/dashboard';
import { alignCurves, bandCurve, commonEpochs } from '../../webview/dashboard/logic/compare';

function rec(epoch: number, fused: number, weak: number, best = false): EpochRecord {
  return {
    type: 'epoch',
    epoch,
    epochs: 3,
    lr: 0.01,
    train: { loss: {}, acc: {}, fusedLoss: null, fusedAcc: null },
    val: { fused: fused - 0.01, unimodal: { strong: 0.9, weak: weak - 0.01 }, macroF1: 0, loss: 0 },
    test: { fused, unimodal: { strong: 0.9, weak }, macroF1: 0, loss: 0 },
    fusionWeights: {},
    samplesPerSecond: 1,
    seconds: 1,
    elapsed: epoch * 10,
    best,
    time: '',
  };
}

function summary(seed: number, fused: number, weak: number, bestEpoch: number): RunSummary {
  const scores = { fused, unimodal: { strong: 0.9, weak }, macroF1: 0.9 };
  return {
    state: 'completed',
    method: 'mla',
    seed,
    backend: 'wasm',
    epochs: 3,
    bestEpoch,
    seconds: 20,
    wallSeconds: 30 + seed,
    samplesPerSecond: 1,
    test: scores,
    val: scores,
    last: { test: { ...scores, fused: 0.5 }, val: scores },
    fusion: { type: 'entropy', perSample: true, epoch: bestEpoch },
  };
}

function view(seed: number, s: RunSummary | null): RunView {
  return {
    runDir: `/runs/s${seed}`,
    runId: `id-s${seed}`,
    name: 'cfg, "quoted"',
    seed,
    method: 'mla',
    backend: 'wasm',
    state: 'completed',
    stateDetail: null,
    epoch: 3,
    epochs: 3,
    startedAt: null,
    endedAt: null,
    modalities: ['strong', 'weak'],
    classes: [],
    fusionType: 'entropy',
    summary: s,
  };
}

const group: CompareGroup = {
  key: 'k',
  name: 'cfg, "quoted"',
  method: 'mla',
  primary: true,
  runs: [
    {
      run: view(0, summary(0, 0.96, 0.5, 2)),
      records: [rec(1, 0.9, 0.4), rec(2, 0.95, 0.5, true), rec(3, 0.97, 0.6)],
    },
    {
      run: view(1, summary(1, 0.98, 0.7, 3)),
      records: [rec(1, 0.92, 0.5), rec(2, 0.96, 0.6), rec(3, 0.98, 0.7, true)],
    },
  ],
};

describe('compare epochs', () => {
  it('offers the epochs every run reached', () => {
    const short = { ...group, runs: [{ ...group.runs[0], records: group.runs[0].records.slice(0, 2) }] };
    assert.deepEqual(commonEpochs([group, short]), [1, 2]);
  });
});

describe('band curves', () => {
  it('gives mean ± sample std per epoch and aligns curves of different lengths', () => {
    const c = bandCurve(group, 'test', 'fused');
    assert.deepEqual(c.x, [1, 2, 3]);
    assert.ok(Math.abs(c.mean[0] - 0.91) < 1e-12);
    assert.ok(Math.abs(c.hi[0] - c.mean[0] - Math.sqrt(0.0002)) < 1e-12);
    const aligned = alignCurves([
      { x: [1, 2], ys: [[1, 2]] },
      { x: [2, 3], ys: [[5, NaN]] },
    ]);
    assert.deepEqual(aligned, {
      x: [1, 2, 3],
      ys: [
        [1, 2, null],
        [null, 5, null],
      ],
    });
  });
});
