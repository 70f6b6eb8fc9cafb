// Checkpoints: everything a run needs to resume exactly, in `checkpoints/epoch-NNNN/`: `weights.bin` (all
// float32 tensors back to back, little-endian) and `state.json` (tensor index, optimizer, HGM, RNG, extra).
// A checkpoint is written into a temp folder and renamed into place only when complete, so a folder named
// `epoch-NNNN` is always whole; a kill mid-save leaves only a `*.tmp-*` folder that listings ignore.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBounded, readTextBounded } from '../io/bounded-read';
import { FileAccessError } from '../io/file-error';
import { LIMITS } from '../io/limits';
import { asWriteError } from '../io/write-error';
import { fsyncDirBestEffort } from './atomic';
import { RUN_FILES } from './paths';
import { parseCheckpointState } from './checkpoint-state';
import type { CheckpointState, TensorEntry } from './checkpoint-state';

export type { CheckpointState, TensorEntry } from './checkpoint-state';

export const WEIGHTS_FILE = 'weights.bin';
export const STATE_FILE = 'state.json';

export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface CheckpointMeta {
  optimizer: unknown;
  hgm: unknown;
  rng: unknown;
  extra: unknown;
}

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
const LEFTOVER_NAME = /^epoch-\d+\.(?:tmp|old)-(\d+)-\d+$/;
const LITTLE_ENDIAN = os.endianness() === 'LE';
let saveCounter = 0;

export function checkpointDirName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}

/**
 * Saves a checkpoint of `epoch` and returns its folder. Optimizer slot variables (Adam moments, momentum
 * buffers) belong in `tensors` (e.g. named `optimizer/<param>`), not in `meta.optimizer`: the JSON part is
 * for small plain values. The caller must not change `values` until the promise settles.
 */
export async function saveCheckpoint(
  runDir: string,
  epoch: number,
  tensors: NamedTensor[],
  meta: CheckpointMeta,
): Promise<string> {
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new Error(`saveCheckpoint: epoch must be an integer ≥ 0, got ${epoch}`);
  const root = path.join(runDir, RUN_FILES.checkpoints);
  const finalDir = path.join(root, checkpointDirName(epoch));
  saveCounter += 1;
  const tempDir = `${finalDir}.tmp-${process.pid}-${saveCounter}`;
  try {
    await fsp.mkdir(root, { recursive: true });
    await fsp.mkdir(tempDir);
  } catch (error) {
    throw asWriteError(tempDir, error);
  }
  try {
    const { entries, sha256 } = await writeWeights(path.join(tempDir, WEIGHTS_FILE), tensors);
    // `undefined` would vanish from the JSON; store null so the loader finds every key.
    const state: CheckpointState = {
      epoch,
      weightsSha256: sha256,
      tensors: entries,
      optimizer: meta.optimizer ?? null,
      hgm: meta.hgm ?? null,
      rng: meta.rng ?? null,
      extra: meta.extra ?? null,
    };
    await writeSynced(path.join(tempDir, STATE_FILE), JSON.stringify(state, null, 1) + '\n');
    fsyncDirBestEffort(tempDir);
    await moveIntoPlace(tempDir, finalDir);
    fsyncDirBestEffort(root);
  } catch (error) {
    await fsp.rm(tempDir, { recursive: true, force: true });
    throw asWriteError(finalDir, error);
  }
  return finalDir;
}

async function writeWeights(
  file: string,
  tensors: NamedTensor[],
): Promise<{ entries: TensorEntry[]; sha256: string }> {
  const entries: TensorEntry[] = [];
  const hash = createHash('sha256');
  const seen = new Set<string>();
  let offset = 0;
  const handle = await fsp.open(file, 'w');
  try {
    for (const tensor of tensors) {
      const size = tensor.shape.reduce((a, b) => a * b, 1);
      if (seen.has(tensor.name))
        throw new Error(`saveCheckpoint: tensor name "${tensor.name}" appears twice`);
      if (size !== tensor.values.length) {
        throw new Error(
          `saveCheckpoint: tensor "${tensor.name}" has shape [${tensor.shape.join(', ')}] (${size} values) but ${tensor.values.length} values`,
        );
      }
      seen.add(tensor.name);
      const bytes = toLittleEndianBytes(tensor.values);
      hash.update(bytes);
      let done = 0;
      while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
      entries.push({
        name: tensor.name,
        shape: [...tensor.shape],
        dtype: 'float32',
        offset,
        length: bytes.length,
      });
      offset += bytes.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { entries, sha256: hash.digest('hex') };
}

async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A folder cannot be renamed over a non-empty one; when this epoch was saved before (a resumed run redoing
 * it), move the old one aside first. Listings ignore the `.old-*` name, so readers never see a mix.
 */
async function moveIntoPlace(tempDir: string, finalDir: string): Promise<void> {
  if (!fs.existsSync(finalDir)) {
    await fsp.rename(tempDir, finalDir);
    return;
  }
  const aside = `${finalDir}.old-${process.pid}-${saveCounter}`;
  await fsp.rename(finalDir, aside);
  await fsp.rename(tempDir, finalDir);
  await fsp.rm(aside, { recursive: true, force: true });
}

function toLittleEndianBytes(values: Float32Array): Buffer {
  const view = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return LITTLE_ENDIAN ? view : Buffer.from(view).swap32();
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
