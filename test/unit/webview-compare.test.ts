import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpochRecord, RunSummary } from '../../src/core/runs/types';
import type { CompareGroup, RunView } from '../../src/protocol/dashboard';
import {
  alignCurves,
  bandCurve,
  clampEpoch,
  commonEpochRange,
  isRunning,
  shownGroups,
} from '../../webview/dashboard/logic/compare';
import { seedValues, type TableRowView } from '../../webview/dashboard/logic/compareTable';

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

describe('compare epochs, running seeds, removed configs', () => {
  it('offers the range of epochs every run reached, and clamps a typed epoch into it', () => {
    const short = { ...group, runs: [{ ...group.runs[0], records: group.runs[0].records.slice(0, 2) }] };
    assert.deepEqual(commonEpochRange([group, short]), { min: 1, max: 2 });
    // A run resumed from epoch 2 whose first record is epoch 2: the range starts there.
    const late = {
      ...group,
      key: 'late',
      runs: [{ ...group.runs[1], records: group.runs[1].records.slice(1) }],
    };
    assert.deepEqual(commonEpochRange([group, late]), { min: 2, max: 3 });
    const empty = { ...group, key: 'e', runs: [{ ...group.runs[0], records: [] }] };
    assert.equal(commonEpochRange([group, empty]), null);
    assert.equal(clampEpoch(7, { min: 1, max: 2 }), 2);
    assert.equal(clampEpoch(-3, { min: 1, max: 2 }), 1);
    assert.equal(clampEpoch(1.6, { min: 1, max: 3 }), 2);
    assert.equal(clampEpoch(Number('x'), { min: 1, max: 3 }), null);
    assert.equal(clampEpoch(2, null), null);
  });

  it('labels the seeds whose runs still train, in the row the host built', () => {
    const training = { ...group.runs[1].run, state: 'running' as const, summary: null };
    assert.equal(isRunning(training), true);
    assert.equal(isRunning(group.runs[0].run), false);
    const row: TableRowView = {
      label: 'cfg (mla)',
      config: 'cfg',
      method: 'mla',
      seeds: [0, 1],
      runDirs: [group.runs[0].run.runDir, training.runDir],
      cells: { fused: { mean: 0.97, std: 0.014, n: 2, values: [0.96, 0.98], rank: 1 } },
      test: null,
      note: null,
      mismatch: null,
    };
    assert.equal(seedValues(row, 'fused', new Set([training.runDir])), 's0 96.0 · s1 98.0 (running)');
    assert.equal(seedValues(row, 'fused'), 's0 96.0 · s1 98.0');
  });

  it('shows all groups but the removed ones, never none', () => {
    const other = { ...group, key: 'other', primary: false };
    assert.deepEqual(
      shownGroups([group, other], ['other']).map((g) => g.key),
      ['k'],
    );
    assert.deepEqual(
      shownGroups([group, other], []).map((g) => g.key),
      ['k', 'other'],
    );
    assert.deepEqual(
      shownGroups([group, other], ['k', 'other']).map((g) => g.key),
      ['k'],
    );
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
