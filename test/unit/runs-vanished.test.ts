// A `running` status.json whose trainer is verifiably gone is corrected to `failed: trainer vanished` by a
// reader allowed to write (the command line's reader, the run store in a trusted workspace), under the
// run's lock; in Restricted Mode, on another host, or while a live process holds the lock it is not touched.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LOCK_FILE, acquireRunLock, type LockHolder } from '../../src/core/runs/lock';
import { ownIdentity } from '../../src/core/runs/process-identity';
import { readRun, readRunWith } from '../../src/core/runs/reader';
import type { RunStatus } from '../../src/core/runs/types';
import { markVanished } from '../../src/core/runs/vanished';
import { RunWriter } from '../../src/core/runs/writer';
import { RunStore } from '../../src/extension/runStore';
import { stateText } from '../../src/extension/runView';
import { tempDir } from '../support/training';
import { epochRecord } from './runs-fixtures';

/** A pid that was a process of this machine a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  return child.pid!;
}

const statusFile = (dir: string) => path.join(dir, 'status.json');
const onDisk = (dir: string) => JSON.parse(fs.readFileSync(statusFile(dir), 'utf8')) as RunStatus;

/** A run folder whose status says running, for the trainer identity `who`, with 3 epochs of 10. */
function runningRun(runsDir: string, who: Partial<RunStatus>, id = 'r1'): string {
  const writer = RunWriter.create(runsDir, id, { name: id, run: { seed: 0 } });
  const me = ownIdentity();
  writer.setStatus({
    state: 'running',
    pid: me.pid,
    host: me.host,
    bootId: me.bootId,
    processStart: me.processStart,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    epoch: 3,
    epochs: 10,
    ...who,
  });
  for (let e = 1; e <= 3; e++) writer.appendMetrics(epochRecord(e, 0.5 + e / 100));
  writer.close();
  return writer.dir;
}

describe('markVanished', () => {
  it('marks a run whose trainer pid is gone as failed: trainer vanished, atomically and under the lock', async () => {
    const dir = runningRun(tempDir('vanished'), { pid: deadPid(), processStart: null });
    // The vanished trainer's lock is stale: it is broken, and no lock is left behind.
    const stale: LockHolder = { ...ownIdentity(), pid: onDisk(dir).pid, purpose: 'train', since: 'then' };
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(stale));
    const before = onDisk(dir);
    const info = await readRunWith(dir, { markVanished: true });
    assert.equal(info.displayState, 'failed');
    assert.equal(info.reason, 'trainer vanished');
    assert.equal(info.liveness, 'ended');
    assert.equal(stateText(info), 'failed: trainer vanished at epoch 3/10');
    const after = onDisk(dir);
    assert.deepEqual(after, {
      ...before,
      state: 'failed',
      error: 'trainer vanished',
      endedAt: after.endedAt,
    });
    assert.ok(Date.parse(after.endedAt!) > Date.parse('2026-01-01'), after.endedAt!);
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'checkpoints',
      'config.json',
      'log.txt',
      'metrics.jsonl',
      'status.json',
    ]);
    assert.equal(info.epochs.length, 3, 'the finished epochs stay');
  });

  it('marks a run whose pid now belongs to another process (a reused pid)', () => {
    const me = ownIdentity();
    const dir = runningRun(tempDir('vanished'), { processStart: String(Number(me.processStart) + 7) });
    assert.equal(markVanished(dir)?.state, 'failed');
    assert.equal(onDisk(dir).error, 'trainer vanished');
  });

  it('leaves a live trainer, a run on another host and a plain reader alone', async () => {
    const runs = tempDir('vanished');
    const alive = runningRun(runs, {}, 'alive');
    const remote = runningRun(runs, { host: `${os.hostname()}-elsewhere`, pid: deadPid() }, 'remote');
    const plain = runningRun(runs, { pid: deadPid(), processStart: null }, 'plain');
    for (const dir of [alive, remote]) {
      const text = fs.readFileSync(statusFile(dir), 'utf8');
      assert.equal(markVanished(dir), null);
      assert.equal(fs.readFileSync(statusFile(dir), 'utf8'), text);
    }
    const shown = await readRun(plain);
    assert.equal(shown.displayState, 'stale');
    assert.equal(onDisk(plain).state, 'running');
  });

  it('does not mark a run while a live process holds its lock (a resume that is starting)', () => {
    const dir = runningRun(tempDir('vanished'), { pid: deadPid(), processStart: null });
    const lock = acquireRunLock(dir, 'resume');
    try {
      assert.equal(markVanished(dir), null);
      assert.equal(onDisk(dir).state, 'running');
    } finally {
      lock.release();
    }
    assert.equal(markVanished(dir)?.error, 'trainer vanished');
  });
});

describe('the run store and a vanished trainer', () => {
  let workspace: string;
  let store: RunStore;

  beforeEach(() => {
    editor.reset();
    workspace = tempDir('vanished-ws');
    editor.setFolders([workspace]);
    editor.settings.set('mla.runsDirectory', 'runs');
  });

  afterEach(() => {
    store.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('in a trusted workspace records the run as failed: trainer vanished', async () => {
    const dir = runningRun(path.join(workspace, 'runs'), { pid: deadPid(), processStart: null });
    store = new RunStore();
    await store.rescan();
    assert.equal(store.get(dir)?.displayState, 'failed');
    assert.equal(store.get(dir)?.reason, 'trainer vanished');
    assert.equal(onDisk(dir).state, 'failed');
  });

  it('in Restricted Mode only shows it as stale and writes nothing', async () => {
    editor.trusted = false;
    const dir = runningRun(path.join(workspace, 'runs'), { pid: deadPid(), processStart: null });
    const text = fs.readFileSync(statusFile(dir), 'utf8');
    store = new RunStore();
    await store.rescan();
    assert.equal(store.get(dir)?.displayState, 'stale');
    assert.equal(fs.readFileSync(statusFile(dir), 'utf8'), text);
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
  });
});
