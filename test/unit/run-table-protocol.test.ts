// What the run table webview may ask of the host: only runs the table was sent, only plain file names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PICKED_RUNS, parseRunTableMessage } from '../../src/protocol/runTable';

const known = new Set(['/runs/a', '/runs/b']);

test('run table messages: known runs pass, unknown runs, empty picks, odd names and unknown types do not', () => {
  assert.deepEqual(
    parseRunTableMessage({ type: 'compareSeeds', runDirs: ['/runs/a', '/runs/b'], x: 1 }, known),
    {
      type: 'compareSeeds',
      runDirs: ['/runs/a', '/runs/b'],
    },
  );
  assert.deepEqual(parseRunTableMessage({ type: 'rendered', rows: 12 }, known), {
    type: 'rendered',
    rows: 12,
  });
  assert.equal(parseRunTableMessage({ type: 'openDashboard', runDirs: ['/runs/a', '/etc'] }, known), null);
  assert.equal(parseRunTableMessage({ type: 'openDashboard', runDirs: [] }, known), null);
  const many = Array.from({ length: MAX_PICKED_RUNS + 1 }, () => '/runs/a');
  assert.equal(parseRunTableMessage({ type: 'compareSeeds', runDirs: many }, known), null);
  assert.equal(parseRunTableMessage({ type: 'exportCsv', fileName: '../x.csv', content: 'a' }, known), null);
  assert.deepEqual(
    parseRunTableMessage({ type: 'exportCsv', fileName: 'runs.csv', content: 'a\r\n' }, known),
    {
      type: 'exportCsv',
      fileName: 'runs.csv',
      content: 'a\r\n',
    },
  );
  assert.equal(parseRunTableMessage({ type: 'deleteRun', runDirs: ['/runs/a'] }, known), null);
  assert.equal(parseRunTableMessage('ready', known), null);
});
