// Whether a run that says "running" really is: status.json cannot say that its writer was killed, so a
// reader asks the operating system about the pid, when the run is on this machine.

import * as os from 'node:os';
import { checkIdentity } from './process-identity';
import type { DisplayState, RunStatus } from './types';

export { isProcessAlive } from './process-identity';

/**
 * `alive`: running here, the process exists. `remote`: running on another host, which this machine cannot
 * check. `stale`: says running, but its process on this host is gone. `ended`: a final state.
 * `unknown`: no status.json (yet).
 */
export type Liveness = 'alive' | 'remote' | 'stale' | 'ended' | 'unknown';

export const STALE_MESSAGE = 'the trainer process ended without finishing';
/** status.error of a stale run that a reader allowed to write has marked failed (vanished.ts). */
export const VANISHED_REASON = 'trainer vanished';

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

export interface ShownState {
  state: DisplayState;
  /** The state in words: `running (remote)` for a run on another machine, else the state itself. */
  label: string;
  /** Why it failed or went stale: status.error, or STALE_MESSAGE. */
  reason: string | null;
}

/**
 * The one rule for what a run shows. A stale run is `stale`, not `failed`: nothing recorded a failure,
 * the trainer was killed (or its machine rebooted), and its checkpoints resume it. Before status.json
 * exists (the trainer has just created the folder) a run shows as running.
 */
export function displayStateOf(status: RunStatus | null, liveness: Liveness): ShownState {
  if (liveness === 'stale') return { state: 'stale', label: 'stale', reason: STALE_MESSAGE };
  if (liveness === 'remote') return { state: 'remote', label: 'running (remote)', reason: null };
  const state = status?.state ?? 'running';
  return { state, label: state, reason: status?.error ?? null };
}
