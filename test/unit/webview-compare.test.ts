import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpochRecord, RunSummary } from '../../src/core/runs/types';
import type { CompareGroup, RunView } from '../../src/protocol/dashboard';
import {
  alignCurves,
  bandCurve,
  buildTable,
  clampEpoch,
  commonEpochRange,
  scoresAt,
  shownGroups,
} from '../../webview/dashboard/logic/compare';
import { csvField, tableToCsv, tableToMarkdown } from '../../webview/dashboard/logic/exportTable';

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

describe('compare table', () => {
  it('takes best from the summaries: mean and sample std across seeds, each seed kept', () => {
    const t = buildTable([group], { kind: 'best' }, 'test');
    assert.deepEqual(t.columns, ['strong', 'weak', 'fused']);
    const fused = t.rows[0].cells.fused;
    assert.ok(Math.abs(fused.mean - 0.97) < 1e-12);
    assert.ok(Math.abs(fused.std - Math.sqrt(0.0002)) < 1e-12);
    assert.deepEqual(
      fused.values.map((v) => [v.seed, v.value, v.epoch]),
      [
        [0, 0.96, 2],
        [1, 0.98, 3],
      ],
    );
    assert.equal(t.rows[0].bestEpoch.mean, 2.5);
    assert.equal(t.rows[0].duration.mean, 30.5);
  });

  it('reads a chosen epoch from the records, and says when a run lacks it', () => {
    const t = buildTable([group], { kind: 'epoch', epoch: 1 }, 'val');
    assert.ok(Math.abs(t.rows[0].cells.weak.mean - (0.39 + 0.49) / 2) < 1e-12);
    assert.equal(scoresAt(group.runs[0].run, group.runs[0].records, { kind: 'epoch', epoch: 9 }), null);
    const missing = buildTable([group], { kind: 'epoch', epoch: 9 }, 'test');
    assert.equal(missing.rows[0].cells.fused.n, 0);
    assert.ok(Number.isNaN(missing.rows[0].cells.fused.mean));
  });

  it('uses the last epoch’s summary figures for "last", and records for a running run', () => {
    assert.equal(buildTable([group], { kind: 'last' }, 'test').rows[0].cells.fused.mean, 0.5);
    const running = { ...group, runs: [{ run: view(0, null), records: group.runs[0].records }] };
    assert.equal(buildTable([running], { kind: 'best' }, 'test').rows[0].cells.fused.mean, 0.95);
    assert.equal(buildTable([running], { kind: 'last' }, 'test').rows[0].cells.fused.mean, 0.97);
  });

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

  it('labels the running seeds of a row and counts them', () => {
    const live: CompareGroup = {
      ...group,
      runs: [
        group.runs[0],
        {
          run: { ...group.runs[1].run, state: 'running', summary: null },
          records: group.runs[1].records.slice(0, 2),
        },
      ],
    };
    const row = buildTable([live], { kind: 'last' }, 'test').rows[0];
    assert.equal(row.running, 1);
    assert.deepEqual(
      row.cells.fused.values.map((v) => [v.seed, v.running, v.value]),
      [
        [0, false, 0.5],
        [1, true, 0.96],
      ],
    );
    assert.equal(row.cells.fused.n, 2);
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

describe('table export', () => {
  it('writes CSV with quoting, mean/std rows and one row per seed', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    const csv = tableToCsv(buildTable([group], { kind: 'best' }, 'test'))
      .trim()
      .split('\n');
    assert.equal(
      csv[0],
      'config,method,statistic,test strong (%),test weak (%),test multimodal (fused) (%),best epoch,duration (s)',
    );
    assert.equal(csv[1], '"cfg, ""quoted""",mla,mean,90.00,60.00,97.00,2.50,30.5');
    assert.equal(csv[2], '"cfg, ""quoted""",mla,std,0.00,14.14,1.41,0.71,0.7');
    assert.equal(csv[3], '"cfg, ""quoted""",mla,n,2,2,2,2,2');
    assert.equal(csv[4], '"cfg, ""quoted""",mla,seed 0,90.00,50.00,96.00,2,30.0');
    assert.equal(csv.length, 6);
  });

  it('writes the paper layout in Markdown', () => {
    const md = tableToMarkdown(buildTable([group], { kind: 'best' }, 'test'));
    assert.equal(
      md,
      [
        '| method | strong | weak | multimodal (fused) | best epoch | duration (s) |',
        '| --- | --- | --- | --- | --- | --- |',
        '| cfg, "quoted" (mla) | 90.0 ± 0.0 (n=2) | 60.0 ± 14.1 (n=2) | 97.0 ± 1.4 (n=2) | 2.5 ± 0.7 | 30.5 ± 0.7 |',
        '',
        'Test accuracy (%) at the best validation epoch, mean ± std over 2 seeds.',
        '',
      ].join('\n'),
    );
  });
});
