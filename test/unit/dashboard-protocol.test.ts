import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDashboardState, parseWebviewMessage, safeFileName } from '../../src/protocol/dashboard';

const allowed = new Set(['/runs/a']);

describe('parseWebviewMessage', () => {
  it('accepts well-formed messages for the panel’s runs', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'stop', runDir: '/runs/a' }, allowed), {
      type: 'stop',
      runDir: '/runs/a',
    });
    assert.deepEqual(
      parseWebviewMessage(
        {
          type: 'requestSeries',
          requestId: 7,
          runDir: '/runs/a',
          from: null,
          to: 50,
          points: 800,
          smoothing: 0.5,
          extra: 1,
        },
        allowed,
      ),
      {
        type: 'requestSeries',
        requestId: 7,
        runDir: '/runs/a',
        from: null,
        to: 50,
        points: 800,
        smoothing: 0.5,
      },
    );
    assert.deepEqual(
      parseWebviewMessage({ type: 'evalCheckpoint', requestId: 0, runDir: '/runs/a', epoch: 3 }, allowed),
      { type: 'evalCheckpoint', requestId: 0, runDir: '/runs/a', epoch: 3 },
    );
    assert.deepEqual(parseWebviewMessage({ type: 'ready', runDir: 5 }, allowed), { type: 'ready' });
  });

  it('rejects other runs, out-of-range numbers and malformed exports', () => {
    const bad = [
      { type: 'resume', runDir: '/runs/b' },
      { type: 'requestSeries', requestId: 1, runDir: '/runs/a', from: 5, to: 1, points: 100, smoothing: 0 },
      {
        type: 'requestSeries',
        requestId: 1,
        runDir: '/runs/a',
        from: null,
        to: null,
        points: 1e7,
        smoothing: 0,
      },
      {
        type: 'requestSeries',
        requestId: 1,
        runDir: '/runs/a',
        from: null,
        to: null,
        points: 100,
        smoothing: 1,
      },
      // Without a request id an answer could not be matched to its request.
      { type: 'requestSeries', runDir: '/runs/a', from: null, to: null, points: 100, smoothing: 0 },
      { type: 'evalCheckpoint', requestId: 1, runDir: '/runs/a', epoch: 0 },
      { type: 'evalCheckpoint', requestId: 1, runDir: '/runs/a', epoch: 1.5 },
      { type: 'evalCheckpoint', requestId: -1, runDir: '/runs/a', epoch: 2 },
      { type: 'rendered', runDir: '/runs/b', epoch: 2 },
      { type: 'exportText', format: 'html', action: 'save', fileName: 'a.html', content: '' },
      { type: 'exportText', format: 'csv', action: 'save', fileName: '/etc/passwd', content: '' },
      { type: 'exportPng', fileName: 'a.png', dataUrl: 'data:text/html;base64,AAAA' },
      { type: 'exportPng', fileName: 'a.png', dataUrl: 'data:image/png;base64,<script>' },
      { type: 'nope' },
      null,
      'ready',
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m, allowed), null, JSON.stringify(m));
  });

  it("decodes the Compare view's table request: split, epoch best / last / N ≥ 1, a reference or null", () => {
    const ask = (epoch: unknown, reference: unknown = null, metric: unknown = 'test') =>
      parseWebviewMessage({ type: 'requestCompareTable', requestId: 3, metric, epoch, reference }, allowed);
    assert.deepEqual(ask('best'), {
      type: 'requestCompareTable',
      requestId: 3,
      metric: 'test',
      epoch: 'best',
      reference: null,
    });
    assert.equal(ask(12, 'ogm-ge', 'val')?.type, 'requestCompareTable');
    assert.deepEqual(
      [ask('last'), ask(12, 'ogm-ge', 'val')].map((m) => m && 'epoch' in m && m.epoch),
      ['last', 12],
    );
    for (const [epoch, reference, metric] of [
      [0, null, 'test'],
      [2.5, null, 'test'],
      ['first', null, 'test'],
      ['best', 5, 'test'],
      ['best', 'x'.repeat(101), 'test'],
      ['best', null, 'train'],
    ])
      assert.equal(
        ask(epoch, reference, metric),
        null,
        `${String(epoch)} ${String(reference)} ${String(metric)}`,
      );
    assert.deepEqual(
      parseWebviewMessage(
        { type: 'exportText', format: 'latex', action: 'copy', fileName: 't.tex', content: '\\toprule' },
        allowed,
      ),
      { type: 'exportText', format: 'latex', action: 'copy', fileName: 't.tex', content: '\\toprule' },
    );
  });

  it('allows plain file names only', () => {
    assert.equal(safeFileName('table-test.csv'), 'table-test.csv');
    for (const name of ['../x.csv', 'a/b.csv', '.hidden', '', 'x'.repeat(200), 'a\\b.csv'])
      assert.equal(safeFileName(name), null, name);
  });
});

describe('parseDashboardState', () => {
  it('keeps the view and runs of a saved state and ignores the rest', () => {
    assert.deepEqual(parseDashboardState({ view: 'compare', runDirs: ['/a', '/b'], live: {} }), {
      view: 'compare',
      runDirs: ['/a', '/b'],
    });
    assert.equal(parseDashboardState({ view: 'x', runDirs: ['/a'] }), null);
    assert.equal(parseDashboardState({ view: 'run', runDirs: [] }), null);
  });

  it('keeps whether the tab was the run explorer’s preview', () => {
    assert.deepEqual(parseDashboardState({ view: 'run', runDirs: ['/a'], preview: true }), {
      view: 'run',
      runDirs: ['/a'],
      preview: true,
    });
    assert.equal(parseDashboardState({ view: 'run', runDirs: ['/a'], preview: 'yes' }), null);
  });
});
