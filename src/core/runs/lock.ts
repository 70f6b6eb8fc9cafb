// One trainer per run folder: `trainer.lock` holds who works on the run (pid, host, boot id, process start
// time, what it does, since when). It is created with O_EXCL, so of two processes that try at once exactly
// one gets it. A lock whose holder is gone (dead pid, reused pid, rebooted machine, all on this host) is
// stale and is broken; a lock held from another host is respected, as this machine cannot check it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextBoundedSync } from '../io/bounded-read';
import { FileAccessError } from '../io/file-error';
import { checkIdentity, ownIdentity, type ProcessIdentity } from './process-identity';

export const LOCK_FILE = 'trainer.lock';
const LOCK_LIMIT = { limit: 64 * 1024, what: 'a run lock' };

export type LockPurpose = 'train' | 'resume' | 'eval' | 'delete' | 'repair';

export interface LockHolder extends ProcessIdentity {
  purpose: LockPurpose;
  since: string;
}

export class RunLockedError extends Error {
  constructor(
    readonly runDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder === null
        ? `${runDir}: the run is locked, but its ${LOCK_FILE} cannot be read; delete it if no trainer is running`
        : `${runDir}: the run is in use by ${describeHolder(holder)}`,
    );
    this.name = 'RunLockedError';
  }
}

export function describeHolder(holder: LockHolder): string {
  const doing =
    {
      train: 'training',
      resume: 'resuming',
      eval: 'evaluating',
      delete: 'deleting',
      repair: 'marking it failed',
    }[holder.purpose] ?? holder.purpose;
  return `pid ${holder.pid} on ${holder.host} (${doing} since ${holder.since})`;
}

function isHolder(value: unknown): value is LockHolder {
  const v = value as Partial<LockHolder> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.pid) &&
    typeof v.host === 'string' &&
    typeof v.purpose === 'string' &&
    typeof v.since === 'string'
  );
}

/** The lock's holder; null when there is no lock; `undefined` when the file is there but unreadable. */
export function readLock(runDir: string): LockHolder | null | undefined {
  const file = path.join(runDir, LOCK_FILE);
  let text: string;
  try {
    text = readTextBoundedSync(file, LOCK_LIMIT);
  } catch (error) {
    if (error instanceof FileAccessError && error.problem === 'not-found') return null;
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isHolder(value) ? value : undefined;
  } catch {
    // Being written right now (it is created, then filled): unreadable for an instant.
    return undefined;
  }
}

/** A live holder, or null when the run is free or its lock is stale. */
export function activeHolder(runDir: string): LockHolder | null | undefined {
  const holder = readLock(runDir);
  if (holder === null || holder === undefined) return holder;
  return checkIdentity(holder) === 'gone' ? null : holder;
}

export interface RunLock {
  readonly holder: LockHolder;
  /** Removes the lock if it is still this one. */
  release(): void;
}

/**
 * Takes the run's lock or throws a RunLockedError naming who has it. A stale lock is moved aside under a
 * unique name first (a rename: of two breakers only one moves it), then checked to be the stale one.
 */
export function acquireRunLock(runDir: string, purpose: LockPurpose): RunLock {
  const file = path.join(runDir, LOCK_FILE);
  const holder: LockHolder = { ...ownIdentity(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, holder)) return ownLock(file, holder);
    const current = readLock(runDir);
    if (current === null) continue; // released in between: try again
    if (current === undefined || checkIdentity(current) !== 'gone')
      throw new RunLockedError(runDir, current ?? null);
    breakStale(file, current);
  }
  throw new RunLockedError(runDir, readLock(runDir) ?? null);
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeFileSync(fd, JSON.stringify(holder, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

let breakCounter = 0;

function breakStale(file: string, stale: LockHolder): void {
  const aside = `${file}.stale-${process.pid}-${++breakCounter}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // someone else broke or released it first
  }
  const moved = readHolderAt(aside);
  if (moved !== undefined && moved.pid === stale.pid && moved.since === stale.since) {
    fs.rmSync(aside, { force: true });
    return;
  }
  // A fresh lock was taken between our read and the rename: put it back, never over a newer one.
  try {
    fs.linkSync(aside, file);
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function readHolderAt(file: string): LockHolder | undefined {
  try {
    const value: unknown = JSON.parse(readTextBoundedSync(file, LOCK_LIMIT));
    return isHolder(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function ownLock(file: string, holder: LockHolder): RunLock {
  let released = false;
  return {
    holder,
    release() {
      if (released) return;
      released = true;
      const current = readHolderAt(file);
      if (current && current.pid === holder.pid && current.since === holder.since)
        fs.rmSync(file, { force: true });
    },
  };
}
