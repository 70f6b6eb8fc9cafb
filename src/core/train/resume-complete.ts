// Resuming a run that already completed what is asked of it: nothing to train, so nothing on disk changes
// (no rewritten metrics, no new status, no log line); the outcome is the one the run folder records.

import * as path from 'node:path';
import type { Checkpoint } from '../runs/checkpoint';
import { readJsonFile } from '../runs/atomic';
import { RUN_FILES } from '../runs/paths';
import { checkStatus, checkSummary } from '../runs/record-checks';
import type { RunOutcome } from './runner';
import type { LoopPosition } from './snapshot';

export function completedOutcome(runDir: string, checkpoint: Checkpoint, epochs: number): RunOutcome | null {
  const position = checkpoint.extra as LoopPosition;
  if (position.nextBatch !== 0 || position.epochsDone < epochs) return null;
  const statusFile = path.join(runDir, RUN_FILES.status);
  const summaryFile = path.join(runDir, RUN_FILES.summary);
  let status;
  try {
    status = checkStatus(readJsonFile(statusFile), statusFile);
  } catch {
    // An unreadable status: let the resume go on and write a true one.
    return null;
  }
  if (status.state !== 'completed') return null;
  const summary = checkSummary(readJsonFile(summaryFile), summaryFile);
  return { runDir, state: 'completed', summary };
}
