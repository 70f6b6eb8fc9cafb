// One checkpoint write as the epoch's write sequence has it: the packed checkpoint into place, then (at an
// epoch's end) pruning, each step followed by its fault point. It runs in the checkpoint worker
// (checkpoint-worker.ts), so its message type and error form live here, shared by both sides.

import { WriteError } from '../io/write-error';
import { pruneCheckpoints, type PackedCheckpoint } from '../runs/checkpoint';
import { writePackedCheckpoint } from '../runs/checkpoint-save';
import { faultPoint } from './fault-point';

export interface CheckpointJob {
  runDir: string;
  packed: PackedCheckpoint;
  /** What pruning keeps once the checkpoint is in place; null: no pruning (a stop's checkpoint). */
  prune: { latest: number; alsoKeepEpochs: number[] } | null;
  /** The 1-based epoch whose write sequence this is, for the fault points; null: a stop's checkpoint. */
  faultEpoch: number | null;
}

export async function runCheckpointJob(job: CheckpointJob): Promise<string> {
  const dir = await writePackedCheckpoint(job.runDir, job.packed);
  if (job.faultEpoch !== null) faultPoint('checkpoint', job.faultEpoch);
  if (job.prune !== null) {
    pruneCheckpoints(job.runDir, job.prune);
    if (job.faultEpoch !== null) faultPoint('prune', job.faultEpoch);
  }
  return dir;
}

/** An error as it crosses to the other thread: a structured clone keeps neither a class nor its fields. */
export interface JobError {
  name: string;
  message: string;
  file?: string;
  code?: string;
}

export type JobReply = { id: number; dir: string } | { id: number; error: JobError };

export function toJobError(error: unknown): JobError {
  if (error instanceof WriteError)
    return { name: error.name, message: error.message, file: error.file, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error back as the thrown one: a WriteError stays one (the run reports it without a stack). */
export function fromJobError(error: JobError, dir: string): Error {
  if (error.file !== undefined && error.code !== undefined) return new WriteError(error.file, error.code);
  const rebuilt = new Error(`cannot write the checkpoint ${dir}: ${error.message}`);
  rebuilt.name = error.name;
  return rebuilt;
}
