import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeriesFrame } from '../../src/protocol/dashboard';
import { duration, exact, formatMeanStd, pct } from '../../webview/dashboard/logic/format';
import { chartData, LIVE_CHARTS, mergeFrame } from '../../webview/dashboard/logic/liveCharts';
import { isCurrentAnswer } from '../../webview/dashboard/logic/requests';
import { restoreUi } from '../../webview/dashboard/logic/uiState';

function frame(x: number[], series: SeriesFrame['series'], extra: Partial<SeriesFrame> = {}): SeriesFrame {
  return {
    runDir: '/r',
    x,
    series,
    smoothed: null,
    smoothing: 0,
    from: null,
    to: null,
    total: x.length,
    inRange: x.length,
    downsampled: false,
    append: false,
    ...extra,
  };
}

describe('live charts', () => {
  it('draws the modalities then fused, skipping series without data', () => {
    const f = frame([1, 2], { 'test:a': [0.5, 0.6], 'test:fused': [0.7, 0.8], 'test:b': [null, null] });
    const spec = LIVE_CHARTS.find((c) => c.id === 'test')!;
    const { lines, data } = chartData(f, spec, ['a', 'b']);
    assert.deepEqual(
      lines.map((l) => [l.label, l.colorIndex, l.fused]),
      [
        ['a', 0, false],
        ['fused', -1, true],
      ],
    );
    assert.deepEqual(data, [
      [1, 2],
      [0.5, 0.6],
      [0.7, 0.8],
    ]);
  });

  it('puts a faint raw line under each smoothed one', () => {
    const f = frame(
      [1, 2],
      { 'trainLoss:a': [2, 1] },
      { smoothed: { 'trainLoss:a': [2, 1.5] }, smoothing: 0.5 },
    );
    const { lines, data } = chartData(f, LIVE_CHARTS[0], ['a']);
    assert.deepEqual(
      lines.map((l) => [l.label, l.faint]),
      [
        ['a', false],
        ['a (raw)', true],
      ],
    );
    assert.deepEqual(data.slice(1), [
      [2, 1.5],
      [2, 1],
    ]);
  });

  it('appends new epochs to the held frame and fills series that appear late', () => {
    const a = frame([1, 2], { 'val:a': [0.1, 0.2] });
    const b = frame([3], { 'val:a': [0.3], 'weight:a': [0.5] }, { append: true, total: 3 });
    const m = mergeFrame(a, b);
    assert.deepEqual(m.x, [1, 2, 3]);
    assert.deepEqual(m.series['val:a'], [0.1, 0.2, 0.3]);
    assert.deepEqual(m.series['weight:a'], [null, null, 0.5]);
    assert.equal(m.append, false);
    const replaced = frame([5], { 'val:a': [1] });
    assert.equal(mergeFrame(m, replaced), replaced);
  });
});

describe('formatting and saved state', () => {
  it('formats percentages, durations and exact values', () => {
    assert.equal(pct(0.97333), '97.3%');
    assert.equal(pct(null), '–');
    assert.equal(duration(3725), '1h 2m');
    assert.equal(duration(65), '1m 5s');
    assert.equal(exact(0.000012346), '1.235e-5');
    assert.equal(exact(0.123456), '0.1235');
    assert.equal(formatMeanStd(0.973, 0.004), '97.3 ± 0.4');
    assert.equal(formatMeanStd(0.973, NaN), '97.3');
  });

  it('restores valid choices and drops malformed ones', () => {
    const base = { view: 'run' as const, runDirs: ['/r'] };
    const ui = restoreUi(base, {
      live: { r1: { smoothing: 0.6, logLoss: true, from: 10, to: 20 } },
      compare: {
        choice: { kind: 'epoch', epoch: 5 },
        split: 'val',
        reference: 'ogm-ge',
        removed: ['peer', 3],
      },
      fusion: { list: 'uncertain', sample: 12, randomSeed: 3, checkpoint: { r1: 20 } },
    });
    assert.deepEqual(ui.live, { r1: { smoothing: 0.6, logLoss: true, from: 10, to: 20 } });
    assert.deepEqual(ui.compare, {
      choice: { kind: 'epoch', epoch: 5 },
      split: 'val',
      reference: 'ogm-ge',
      removed: ['peer'],
    });
    assert.deepEqual(ui.fusion, { list: 'uncertain', sample: 12, randomSeed: 3, checkpoint: { r1: 20 } });
    const bad = restoreUi(base, {
      live: { r1: { smoothing: 5, from: 30, to: 20 }, r2: 'x' },
      compare: { choice: { kind: 'epoch', epoch: -1 }, split: 'x', reference: 7 },
      fusion: { list: 'nope', sample: 'a', checkpoint: { r1: 0, r2: 'x' } },
    });
    assert.deepEqual(bad.live, { r1: { smoothing: 0, logLoss: false, from: null, to: null } });
    assert.deepEqual(bad.fusion.checkpoint, {});
    assert.deepEqual(bad.compare, { choice: { kind: 'best' }, split: 'test', reference: null, removed: [] });
    assert.equal(bad.fusion.list, 'misclassified');
    assert.equal(restoreUi(base, null).view, 'run');
  });
});

describe('answers to requests', () => {
  it('takes the latest request’s answer, later ones and unasked updates; drops replaced requests', () => {
    assert.equal(isCurrentAnswer(12, 12), true);
    assert.equal(isCurrentAnswer(13, 12), true); // a request of a reloaded webview
    assert.equal(isCurrentAnswer(null, 12), true); // new epochs of the followed request
    assert.equal(isCurrentAnswer(11, 12), false); // a zoom replaced by another
  });
});
