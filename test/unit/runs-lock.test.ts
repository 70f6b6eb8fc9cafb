// One trainer per run folder: the lock file, stale locks (dead pid, reused pid, another boot), locks from
// another host (two real `mla train --resume` processes on one run folder: test/fault/live-run.test.ts).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { livenessOf } from '../../src/core/runs/liveness';
import { acquireRunLock, activeHolder, LOCK_FILE, readLock, type LockHolder } from '../../src/core/runs/lock';
import {
  checkIdentity,
  currentBootId,
  ownIdentity,
  processStartOf,
} from '../../src/core/runs/process-identity';
import type { RunStatus } from '../../src/core/runs/types';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-lock-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshRun = (): string => {
  const dir = path.join(root, `run${++n}`);
  fs.mkdirSync(dir);
  return dir;
};

function writeLock(dir: string, holder: Partial<LockHolder>): void {
  const full = { ...ownIdentity(), purpose: 'resume', since: '2026-01-01T00:00:00.000Z', ...holder };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(full));
}

/** A pid that was a process of this machine a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  return child.pid!;
}

describe('process identity', () => {
  it('recognises this process, and not a reused pid, another boot or another host', () => {
    const me = ownIdentity();
    assert.equal(me.pid, process.pid);
    assert.match(me.bootId ?? '', /^[0-9a-f-]{36}$/);
    assert.match(me.processStart ?? '', /^\d+$/);
    assert.equal(processStartOf(process.pid), me.processStart);
    assert.equal(checkIdentity(me), 'same');
    assert.equal(checkIdentity({ ...me, processStart: String(Number(me.processStart) + 1) }), 'gone');
    assert.equal(checkIdentity({ ...me, bootId: '00000000-0000-0000-0000-000000000000' }), 'gone');
    assert.equal(checkIdentity({ ...me, pid: deadPid(), processStart: null }), 'gone');
    assert.equal(checkIdentity({ ...me, host: `${os.hostname()}-copy` }), 'elsewhere');
    assert.equal(currentBootId(), me.bootId);
  });

  it('shows a running status whose pid now belongs to another process as stale', () => {
    const me = ownIdentity();
    const running: RunStatus = {
      state: 'running',
      ...me,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: null,
      epoch: 3,
      epochs: 10,
    };
    assert.equal(livenessOf(running), 'alive');
    assert.equal(livenessOf({ ...running, processStart: String(Number(me.processStart) + 1) }), 'stale');
    // A status written before start times were recorded is judged by its pid.
    assert.equal(livenessOf({ ...running, processStart: undefined, bootId: undefined }), 'alive');
  });
});

describe('acquireRunLock', () => {
  it('is exclusive and names its holder; released, it can be taken again', () => {
    const dir = freshRun();
    const lock = acquireRunLock(dir, 'train');
    const written = readLock(dir);
    assert.deepEqual(written, lock.holder);
    assert.equal(written?.pid, process.pid);
    assert.throws(() => acquireRunLock(dir, 'resume'), {
      name: 'RunLockedError',
      message: `${dir}: the run is in use by pid ${process.pid} on ${os.hostname()} (training since ${lock.holder.since})`,
    });
    lock.release();
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
    acquireRunLock(dir, 'resume').release();
  });

  it('breaks a stale lock: a dead pid, a reused pid, another boot', () => {
    const me = ownIdentity();
    const stale: Partial<LockHolder>[] = [
      { pid: deadPid(), processStart: null },
      { processStart: String(Number(me.processStart) + 1) },
      { bootId: '00000000-0000-0000-0000-000000000000' },
    ];
    for (const holder of stale) {
      const dir = freshRun();
      writeLock(dir, holder);
      assert.equal(activeHolder(dir), null, JSON.stringify(holder));
      const lock = acquireRunLock(dir, 'resume');
      assert.equal(readLock(dir)?.since, lock.holder.since);
      assert.deepEqual(fs.readdirSync(dir), [LOCK_FILE]); // the stale one is gone, nothing set aside remains
      lock.release();
    }
  });

  it("respects another host's lock and one it cannot read, saying what to do", () => {
    const dir = freshRun();
    writeLock(dir, { host: 'cluster-node-7', pid: 4242, purpose: 'train' });
    assert.throws(() => acquireRunLock(dir, 'resume'), {
      message: `${dir}: the run is in use by pid 4242 on cluster-node-7 (training since 2026-01-01T00:00:00.000Z)`,
    });
    fs.writeFileSync(path.join(dir, LOCK_FILE), '');
    assert.throws(() => acquireRunLock(dir, 'resume'), {
      message: `${dir}: the run is locked, but its ${LOCK_FILE} cannot be read; delete it if no trainer is running`,
    });
  });

  it('does not remove a lock that is no longer its own', () => {
    const dir = freshRun();
    const lock = acquireRunLock(dir, 'train');
    writeLock(dir, { host: 'elsewhere', since: '2026-02-02T00:00:00.000Z' });
    lock.release();
    assert.equal(readLock(dir)?.host, 'elsewhere');
  });
});
