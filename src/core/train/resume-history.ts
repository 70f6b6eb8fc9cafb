// What metrics.jsonl holds when a run resumes: exactly the epochs its checkpoint covers. Lines of epochs
// after the checkpoint go (they will be trained again, identically), and the line of the checkpoint's own
// epoch comes back when it is missing (a power cut took the line, which is not fsynced as the checkpoint
// is, or an older version died between writing the checkpoint and the line).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Checkpoint } from '../runs/checkpoint';
import { readJsonl } from '../runs/jsonl';
import { writeFileAtomic } from '../runs/atomic';
import { RUN_FILES } from '../runs/paths';
import type { EpochRecord, MetricsRecord } from '../runs/types';
import type { LoopPosition } from './snapshot';
import { checkpointRecord } from './snapshot';

/** Where epoch lines that a resume from an older checkpoint trains again are kept. */
export const SUPERSEDED_METRICS = 'metrics.superseded.jsonl';

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
  // Epoch lines past the checkpoint exist when resume passed over a damaged newer checkpoint, or when the
  // trainer died while that epoch's checkpoint was being written (the line goes first, epoch-record.ts);
  // they will be trained again, and the originals are kept beside metrics.jsonl rather than deleted.
  const superseded = records.filter((r) => r.type === 'epoch' && r.epoch > epochsDone);
  if (superseded.length > 0) {
    fs.appendFileSync(
      path.join(runDir, SUPERSEDED_METRICS),
      superseded.map((r) => JSON.stringify(r) + '\n').join(''),
    );
  }
  writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  return kept.filter((r): r is EpochRecord => r.type === 'epoch');
}
