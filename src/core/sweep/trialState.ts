// What a trial's run folder says about it, and so what running the trial again must do: nothing (completed),
// resume from the latest checkpoint (stopped, failed or killed after one), or start over (no checkpoint).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { latestCheckpoint } from '../runs/checkpoint';
import { livenessOf } from '../runs/liveness';
import { RUN_FILES } from '../runs/paths';
import type { RunStatus } from '../runs/types';
import type { TrialState } from './types';

export type TrialAction = 'start' | 'skip-completed' | 'skip-running' | 'resume' | 'restart';

export function readStatus(runDir: string): RunStatus | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.status), 'utf8')) as RunStatus;
  } catch {
    return null;
  }
}

/**
 * `previousEnded`: the caller knows no earlier process of this trial lives (Slurm starts a requeued task only
 * after killing the last one), so a "running" status is a killed writer's, whatever host it names.
 */
export function trialAction(runDir: string, previousEnded: boolean): TrialAction {
  if (!fs.existsSync(path.join(runDir, RUN_FILES.config))) return fs.existsSync(runDir) ? 'restart' : 'start';
  const status = readStatus(runDir);
  if (status?.state === 'completed') return 'skip-completed';
  if (status?.state === 'running' && !previousEnded) {
    const liveness = livenessOf(status);
    if (liveness === 'alive' || liveness === 'remote') return 'skip-running';
  }
  return latestCheckpoint(runDir) ? 'resume' : 'restart';
}

export function trialStateOf(runDir: string): TrialState {
  const status = readStatus(runDir);
  if (!status) return 'pending';
  if (status.state === 'running' && livenessOf(status) === 'stale') return 'failed';
  return status.state;
}

/** Moves an attempt that cannot be resumed out of the way (kept, never deleted) before the trial starts over. */
export function setAsideAttempt(runDir: string, attemptsDir: string): string {
  fs.mkdirSync(attemptsDir, { recursive: true });
  const base = path.join(attemptsDir, path.basename(runDir));
  let target = `${base}.1`;
  for (let n = 2; fs.existsSync(target); n++) target = `${base}.${n}`;
  fs.renameSync(runDir, target);
  return target;
}
