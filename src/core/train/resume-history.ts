// What metrics.jsonl holds when a run resumes: exactly the epochs its checkpoint covers. Lines of epochs
// after the checkpoint go (they will be trained again, identically), and the line of the checkpoint's own
// epoch comes back when the trainer died between writing the checkpoint and appending the line.

import * as path from 'node:path';
import type { Checkpoint } from '../runs/checkpoint';
import { readJsonl } from '../runs/jsonl';
import { writeFileAtomic } from '../runs/atomic';
import { RUN_FILES } from '../runs/paths';
import type { EpochRecord, MetricsRecord } from '../runs/types';
import type { LoopPosition } from './snapshot';
import { checkpointRecord } from './snapshot';

/** Rewrites metrics.jsonl to match `checkpoint` and returns its epoch records. */
export function resumeHistory(runDir: string, checkpoint: Checkpoint): EpochRecord[] {
  const file = path.join(runDir, RUN_FILES.metrics);
  const { records } = readJsonl<MetricsRecord>(file);
  const { epochsDone } = checkpoint.extra as LoopPosition;
  const kept = records.filter((r) =>
    r.type === 'epoch' ? r.epoch <= epochsDone : r.epoch <= epochsDone + 1,
  );
  const carried = checkpointRecord(checkpoint);
  const hasLine = kept.some((r) => r.type === 'epoch' && r.epoch === epochsDone);
  if (carried !== null && carried.epoch === epochsDone && !hasLine) {
    // Step lines of the next epoch cannot exist yet: the trainer died before it started.
    kept.push(carried);
  }
  writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  return kept.filter((r): r is EpochRecord => r.type === 'epoch');
}
