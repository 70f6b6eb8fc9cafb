// Checkpoints: everything a run needs to resume exactly, in `checkpoints/epoch-NNNN/`: `weights.bin` (all
// float32 tensors back to back, little-endian) and `state.json` (tensor index, optimizer, HGM, RNG, extra).
// A checkpoint is written into a temp folder and renamed into place only when complete, so a folder named
// `epoch-NNNN` is always whole; a kill mid-save leaves only a `*.tmp-*` folder that listings ignore.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBounded, readTextBounded } from '../io/bounded-read';
import { FileAccessError } from '../io/file-error';
import { LIMITS } from '../io/limits';
import { RUN_FILES } from './paths';
import {
  packCheckpoint,
  STATE_FILE,
  WEIGHTS_FILE,
  writePackedCheckpoint,
  type CheckpointMeta,
  type NamedTensor,
} from './checkpoint-save';
import { parseCheckpointState } from './checkpoint-state';

export type { CheckpointState, TensorEntry } from './checkpoint-state';

export {
  checkpointDirName,
  STATE_FILE,
  WEIGHTS_FILE,
  type CheckpointMeta,
  type NamedTensor,
  type PackedCheckpoint,
} from './checkpoint-save';

export interface Checkpoint extends CheckpointMeta {
  dir: string;
  epoch: number;
  tensors: NamedTensor[];
}

export interface CheckpointRef {
  epoch: number;
  dir: string;
}

const FINAL_NAME = /^epoch-(\d+)$/;
// `<pid>-<n>` from older versions, `<pid>-<thread>-<n>` now.
const LEFTOVER_NAME = /^epoch-\d+\.(?:tmp|old)-(\d+)-\d+(?:-\d+)?$/;
const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Saves a checkpoint of `epoch` and returns its folder. Optimizer slot variables (Adam moments, momentum
 * buffers) belong in `tensors` (e.g. named `optimizer/<param>`), not in `meta.optimizer`: the JSON part is
 * for small plain values. The values are copied before the first await, so the caller may change them then.
 */
export async function saveCheckpoint(
  runDir: string,
  epoch: number,
  tensors: NamedTensor[],
  meta: CheckpointMeta,
): Promise<string> {
  return writePackedCheckpoint(runDir, packCheckpoint(epoch, tensors, meta));
}

/** Loads and checks a checkpoint folder; any problem is an error naming the file and what is wrong. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const stateFile = path.join(dir, STATE_FILE);
  const weightsFile = path.join(dir, WEIGHTS_FILE);
  let stateText: string;
  try {
    stateText = await readTextBounded(stateFile, {
      limit: LIMITS.checkpointState,
      what: 'a checkpoint state file',
    });
  } catch (error) {
    if (error instanceof FileAccessError && error.problem !== 'not-found') throw error;
    throw new Error(`${stateFile}: file not found (not a complete checkpoint folder)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stateText);
  } catch (error) {
    throw new Error(`${stateFile}: invalid JSON (${(error as Error).message})`);
  }
  const state = parseCheckpointState(raw, stateFile);
  const folder = FINAL_NAME.exec(path.basename(dir));
  if (folder !== null && Number(folder[1]) !== state.epoch) {
    throw new Error(`${stateFile}: /epoch is ${state.epoch}, but the folder is ${path.basename(dir)}`);
  }
  let weights: Buffer;
  try {
    weights = await readBounded(weightsFile, { limit: LIMITS.data, what: 'checkpoint weights' });
  } catch (error) {
    if (error instanceof FileAccessError && error.problem !== 'not-found') throw error;
    throw new Error(`${weightsFile}: file not found (state.json lists ${state.tensors.length} tensors)`);
  }
  const expected = state.tensors.reduce((end, t) => Math.max(end, t.offset + t.length), 0);
  if (weights.length !== expected) {
    throw new Error(`${weightsFile}: ${weights.length} bytes, but state.json describes ${expected} bytes`);
  }
  // Checkpoints written before the checksum existed carry none; every checkpoint written now does.
  if (state.weightsSha256 !== null) {
    const actual = createHash('sha256').update(weights).digest('hex');
    if (actual !== state.weightsSha256) {
      throw new Error(
        `${weightsFile}: damaged (its sha256 is ${actual}, state.json recorded ${state.weightsSha256})`,
      );
    }
  }
  const tensors = state.tensors.map((entry): NamedTensor => {
    // Copy into a fresh, 4-byte aligned buffer; a view into `weights` may be misaligned.
    const bytes = Buffer.from(weights.subarray(entry.offset, entry.offset + entry.length));
    if (!LITTLE_ENDIAN) bytes.swap32();
    return {
      name: entry.name,
      shape: entry.shape,
      values: new Float32Array(bytes.buffer, bytes.byteOffset, entry.length / 4),
    };
  });
  const { optimizer, hgm, rng, extra } = state;
  return { dir, epoch: state.epoch, tensors, optimizer, hgm, rng, extra };
}

/** Complete checkpoints of a run, oldest first; temp and set-aside folders are not listed. */
export function listCheckpoints(runDir: string): CheckpointRef[] {
  const root = path.join(runDir, RUN_FILES.checkpoints);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const refs: CheckpointRef[] = [];
  for (const entry of entries) {
    const match = FINAL_NAME.exec(entry.name);
    if (match !== null && entry.isDirectory())
      refs.push({ epoch: Number(match[1]), dir: path.join(root, entry.name) });
  }
  return refs.sort((a, b) => a.epoch - b.epoch);
}

export function latestCheckpoint(runDir: string): CheckpointRef | null {
  const all = listCheckpoints(runDir);
  return all.length > 0 ? all[all.length - 1] : null;
}

/**
 * Keeps the `latest` newest checkpoints and those of `alsoKeepEpochs` (the trainer passes the best epoch),
 * deletes the others and any temp folder left by another (killed) process. Returns the deleted epochs.
 */
export function pruneCheckpoints(
  runDir: string,
  keep: { latest: number; alsoKeepEpochs: number[] },
): number[] {
  const all = listCheckpoints(runDir);
  const kept = new Set(keep.alsoKeepEpochs);
  for (const ref of all.slice(Math.max(0, all.length - keep.latest))) kept.add(ref.epoch);
  const removed: number[] = [];
  for (const ref of all) {
    if (kept.has(ref.epoch)) continue;
    fs.rmSync(ref.dir, { recursive: true, force: true });
    removed.push(ref.epoch);
  }
  const root = path.join(runDir, RUN_FILES.checkpoints);
  if (fs.existsSync(root)) {
    for (const name of fs.readdirSync(root)) {
      const match = LEFTOVER_NAME.exec(name);
      if (match !== null && Number(match[1]) !== process.pid)
        fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
  return removed;
}
