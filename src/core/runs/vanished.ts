// A run whose status.json says `running` while its trainer is verifiably gone (same host and boot, pid
// absent or now another process) did not end by itself: a reader that may write corrects it to `failed`
// with the reason "trainer vanished", so every view and command agrees on what happened. Only a writer that
// may write calls this (the command line, the extension in a trusted workspace); others show it as stale.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile, writeJsonAtomic } from './atomic';
import { livenessOf, VANISHED_REASON } from './liveness';
import { acquireRunLock, RunLockedError } from './lock';
import { RUN_FILES } from './paths';
import { checkStatus } from './record-checks';
import type { RunStatus } from './types';

/**
 * Rewrites a stale `running` status.json as `failed: trainer vanished` and returns it; null (nothing written)
 * when the run is not stale, or when another live process holds its lock (a resume that is starting). The
 * run's lock is taken first, breaking the vanished trainer's, and status.json is read again under it.
 */
export function markVanished(runDir: string): RunStatus | null {
  if (livenessOf(readStatus(runDir)) !== 'stale') return null;
  let lock;
  try {
    lock = acquireRunLock(runDir, 'repair');
  } catch (error) {
    if (error instanceof RunLockedError) return null;
    throw error;
  }
  try {
    const status = readStatus(runDir);
    if (status === null || livenessOf(status) !== 'stale') return null;
    const failed: RunStatus = {
      ...status,
      state: 'failed',
      endedAt: new Date().toISOString(),
      error: VANISHED_REASON,
    };
    writeJsonAtomic(path.join(runDir, RUN_FILES.status), failed);
    return failed;
  } finally {
    lock.release();
  }
}

function readStatus(runDir: string): RunStatus | null {
  const file = path.join(runDir, RUN_FILES.status);
  return fs.existsSync(file) ? checkStatus(readJsonFile(file), file) : null;
}
