// Whether a run that says "running" really is: status.json cannot say that its writer was killed, so a
// reader asks the operating system about the pid, when the run is on this machine.

import * as os from 'node:os';
import type { RunState, RunStatus } from './types';

/**
 * `alive`: running here, the process exists. `remote`: running on another host, which this machine cannot
 * check. `stale`: says running, but its process on this host is gone. `ended`: a final state.
 * `unknown`: no status.json (yet).
 */
export type Liveness = 'alive' | 'remote' | 'stale' | 'ended' | 'unknown';

export const STALE_MESSAGE = 'the trainer process ended without finishing';

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Note: a pid reused by an unrelated process after the trainer died reads as alive. */
export function livenessOf(status: RunStatus | null, hostname = os.hostname()): Liveness {
  if (status === null) return 'unknown';
  if (status.state !== 'running') return 'ended';
  if (status.host !== hostname) return 'remote';
  return isProcessAlive(status.pid) ? 'alive' : 'stale';
}

/** What the UI shows: a stale run is failed, with STALE_MESSAGE as the reason. */
export function displayStateOf(
  status: RunStatus | null,
  liveness: Liveness,
): { state: RunState | null; label: string; reason: string | null } {
  if (status === null) return { state: null, label: 'unknown', reason: null };
  if (liveness === 'stale') return { state: 'failed', label: 'failed', reason: STALE_MESSAGE };
  if (liveness === 'remote') return { state: 'running', label: 'running (remote)', reason: null };
  return { state: status.state, label: status.state, reason: status.error ?? null };
}
