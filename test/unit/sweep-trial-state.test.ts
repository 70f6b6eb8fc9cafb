import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { RunStatus } from '../../src/core/runs/types';
import { setAsideAttempt, trialAction, trialStateOf } from '../../src/core/sweep/trialState';

function folder(status: Partial<RunStatus> | null): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-trial-'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  if (status) {
    const full: RunStatus = {
      state: 'running',
      pid: process.pid,
      host: os.hostname(),
      startedAt: '2026-12-01T10:00:00.000Z',
      endedAt: null,
      epoch: 3,
      epochs: 10,
      ...status,
    };
    fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify(full));
  }
  return dir;
}

describe('what re-running a trial does', () => {
  test('by what its run folder says', () => {
    assert.equal(trialAction(path.join(os.tmpdir(), 'mla-no-such-trial-folder'), false), 'start');
    assert.equal(trialAction(folder({ state: 'completed' }), false), 'skip-completed');
    assert.equal(trialAction(folder({ state: 'completed' }), true), 'skip-completed');
    // This test's own process is alive: a trial "running" under it must not be started twice.
    assert.equal(trialAction(folder({ state: 'running' }), false), 'skip-running');
    assert.equal(trialAction(folder({ state: 'running', host: 'another-node' }), false), 'skip-running');
    // Under Slurm a task runs again only once the last one was killed: its "running" is a dead writer's.
    assert.equal(trialAction(folder({ state: 'running', host: 'another-node' }), true), 'restart');
    // Nothing to resume from: start over.
    assert.equal(trialAction(folder({ state: 'stopped' }), false), 'restart');
    assert.equal(trialAction(folder(null), false), 'restart');
  });

  test('states for progress, and an attempt set aside rather than deleted', () => {
    assert.equal(trialStateOf(path.join(os.tmpdir(), 'mla-no-such-trial-folder')), 'pending');
    assert.equal(trialStateOf(folder({ state: 'stopped' })), 'stopped');
    // pid 2^31-1 does not exist: a run that says running under it was killed.
    assert.equal(trialStateOf(folder({ state: 'running', pid: 2147483647 })), 'failed');
    const dir = folder({ state: 'failed' });
    const attempts = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-attempts-'));
    const first = setAsideAttempt(dir, attempts);
    assert.equal(first, path.join(attempts, `${path.basename(dir)}.1`));
    assert.equal(fs.existsSync(dir), false);
    assert.equal(fs.readFileSync(path.join(first, 'config.json'), 'utf8'), '{}');
    fs.mkdirSync(dir);
    assert.equal(setAsideAttempt(dir, attempts), path.join(attempts, `${path.basename(dir)}.2`));
  });
});
