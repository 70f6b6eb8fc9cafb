// What the dashboard webview keeps across a hidden tab or a window reload (webview/dashboard/logic/uiState.ts):
// chart choices and the evaluated checkpoint per run id, through the JSON round trip of setState/getState,
// and the checkpoint picker's labels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkpointOptions } from '../../webview/dashboard/logic/fusion';
import {
  defaultUi,
  liveChoiceOf,
  rememberCheckpoint,
  REMEMBERED_RUNS,
  restoreUi,
} from '../../webview/dashboard/logic/uiState';

const base = { view: 'run' as const, runDirs: ['/runs/a'] };
/** setState stores a structured clone; a reload hands back the same JSON-shaped value. */
const reload = (state: unknown) => restoreUi(base, JSON.parse(JSON.stringify(state)));

describe('dashboard state across reloads', () => {
  it('keeps smoothing and zoom per run id, each run as it was left', () => {
    const ui = defaultUi(base);
    const a = liveChoiceOf(ui, 'run-a');
    a.smoothing = 0.8;
    a.from = 100;
    a.to = 250;
    const b = liveChoiceOf(ui, 'run-b');
    b.logLoss = true;
    const restored = reload(ui);
    assert.deepEqual(liveChoiceOf(restored, 'run-a'), { smoothing: 0.8, logLoss: false, from: 100, to: 250 });
    assert.deepEqual(liveChoiceOf(restored, 'run-b'), { smoothing: 0, logLoss: true, from: null, to: null });
    // A run never shown starts from the defaults.
    assert.deepEqual(liveChoiceOf(restored, 'run-c'), { smoothing: 0, logLoss: false, from: null, to: null });
  });

  it(`remembers the ${REMEMBERED_RUNS} runs touched last and forgets the oldest`, () => {
    const ui = defaultUi(base);
    for (let i = 0; i < REMEMBERED_RUNS + 5; i++) liveChoiceOf(ui, `run-${i}`).smoothing = i / 100;
    // 55 runs keep run-5..run-54; touching run-10 makes it the newest, so run-extra pushes out run-5.
    liveChoiceOf(ui, 'run-10');
    liveChoiceOf(ui, 'run-extra');
    const ids = Object.keys(reload(ui).live);
    assert.equal(ids.length, REMEMBERED_RUNS);
    assert.equal(ids.includes('run-4'), false);
    assert.equal(ids.includes('run-5'), false);
    assert.equal(ids.includes('run-6'), true);
    assert.equal(ids.at(-2), 'run-10');
    assert.equal(ids.at(-1), 'run-extra');
    assert.equal(reload(ui).live['run-10'].smoothing, 0.1);
  });

  it('keeps the evaluated checkpoint per run until the view goes back to the best epoch', () => {
    const ui = defaultUi({ view: 'fusion', runDirs: ['/runs/a'] });
    rememberCheckpoint(ui, 'run-a', 20);
    rememberCheckpoint(ui, 'run-b', 7);
    let restored = reload(ui);
    assert.deepEqual(restored.fusion.checkpoint, { 'run-a': 20, 'run-b': 7 });
    rememberCheckpoint(restored, 'run-a', null);
    restored = reload(restored);
    assert.deepEqual(restored.fusion.checkpoint, { 'run-b': 7 });
  });
});

describe('the checkpoint picker', () => {
  it('names the best validation and the last checkpoint, then the others newest first', () => {
    assert.deepEqual(checkpointOptions([10, 20, 12, 30], 12), [
      { epoch: 12, label: 'best val (epoch 12)' },
      { epoch: 30, label: 'last (epoch 30)' },
      { epoch: 20, label: 'epoch 20' },
      { epoch: 10, label: 'epoch 10' },
    ]);
  });

  it('says so when the best checkpoint is also the last, and lists nothing without checkpoints', () => {
    assert.deepEqual(checkpointOptions([5, 9], 9), [
      { epoch: 9, label: 'best val, last (epoch 9)' },
      { epoch: 5, label: 'epoch 5' },
    ]);
    assert.deepEqual(checkpointOptions([4], null), [{ epoch: 4, label: 'last (epoch 4)' }]);
    assert.deepEqual(checkpointOptions([], 3), []);
  });
});
