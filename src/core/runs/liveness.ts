// Whether a run that says "running" really is: status.json cannot say that its writer was killed, so a
// reader asks the operating system about the pid, when the run is on this machine.

import * as os from 'node:os';
import { checkIdentity } from './process-identity';
import type { RunState, RunStatus } from './types';

export { isProcessAlive } from './process-identity';

/**
 * `alive`: running here, the process exists. `remote`: running on another host, which this machine cannot
 * check. `stale`: says running, but its process on this host is gone. `ended`: a final state.
 * `unknown`: no status.json (yet).
 */
export type Liveness = 'alive' | 'remote' | 'stale' | 'ended' | 'unknown';

export const STALE_MESSAGE = 'the trainer process ended without finishing';

/**
 * A pid reused by an unrelated process after the trainer died reads as stale where status.json has the
 * trainer's start time (see process-identity.ts); older status files are judged by the pid alone.
 */
export function livenessOf(status: RunStatus | null, hostname = os.hostname()): Liveness {
  if (status === null) return 'unknown';
  if (status.state !== 'running') return 'ended';
  if (status.host !== hostname) return 'remote';
  return checkIdentity(status, hostname) === 'same' ? 'alive' : 'stale';
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
