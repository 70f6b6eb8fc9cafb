// Writing a checkpoint folder, in two halves that may run on different threads: `packCheckpoint` copies every
// tensor into one fresh buffer laid out as weights.bin (cheap, and the copy is what lets training go on
// mutating the live weights), `writePackedCheckpoint` hashes and writes it into a temp folder, fsyncs and
// renames it into place. The trainer writes from a worker (train/checkpoint-writer.ts); `saveCheckpoint`
// runs both halves in turn. Either way the files are the same bytes.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { asWriteError } from '../io/write-error';
import { fsyncDirBestEffort } from './atomic';
import type { CheckpointState, TensorEntry } from './checkpoint-state';
import { RUN_FILES } from './paths';

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

/** A checkpoint ready to write: weights.bin's bytes in a buffer of its own (transferable), its index, the rest. */
export interface PackedCheckpoint {
  epoch: number;
  /** weights.bin, little-endian; owns its whole ArrayBuffer, so it can move to another thread. */
  weights: Uint8Array;
  entries: TensorEntry[];
  meta: CheckpointMeta;
}

const LITTLE_ENDIAN = os.endianness() === 'LE';
let saveCounter = 0;

export function checkpointDirName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}

/** Copies `tensors` into weights.bin's layout; throws on a duplicate name or values that do not fit the shape. */
export function packCheckpoint(
  epoch: number,
  tensors: NamedTensor[],
  meta: CheckpointMeta,
): PackedCheckpoint {
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new Error(`saveCheckpoint: epoch must be an integer ≥ 0, got ${epoch}`);
  const entries: TensorEntry[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const tensor of tensors) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (seen.has(tensor.name)) throw new Error(`saveCheckpoint: tensor name "${tensor.name}" appears twice`);
    if (size !== tensor.values.length) {
      throw new Error(
        `saveCheckpoint: tensor "${tensor.name}" has shape [${tensor.shape.join(', ')}] (${size} values) but ${tensor.values.length} values`,
      );
    }
    seen.add(tensor.name);
    const length = tensor.values.length * 4;
    entries.push({ name: tensor.name, shape: [...tensor.shape], dtype: 'float32', offset, length });
    offset += length;
  }
  const all = new Float32Array(offset / 4);
  tensors.forEach((tensor, i) => all.set(tensor.values, entries[i].offset / 4));
  const weights = new Uint8Array(all.buffer);
  if (!LITTLE_ENDIAN) Buffer.from(all.buffer).swap32();
  return { epoch, weights, entries, meta };
}

/** Writes `packed` as `checkpoints/epoch-NNNN/` of `runDir`, atomically; returns the folder. */
export async function writePackedCheckpoint(runDir: string, packed: PackedCheckpoint): Promise<string> {
  const { epoch, meta } = packed;
  const root = path.join(runDir, RUN_FILES.checkpoints);
  const finalDir = path.join(root, checkpointDirName(epoch));
  saveCounter += 1;
  // The thread is in the name: the main thread and the checkpoint worker count their saves apart.
  const stamp = `${process.pid}-${threadId}-${saveCounter}`;
  const tempDir = `${finalDir}.tmp-${stamp}`;
  try {
    await fsp.mkdir(root, { recursive: true });
    await fsp.mkdir(tempDir);
  } catch (error) {
    throw asWriteError(tempDir, error);
  }
  try {
    const sha256 = await writeWeights(path.join(tempDir, WEIGHTS_FILE), packed.weights);
    // `undefined` would vanish from the JSON; store null so the loader finds every key.
    const state: CheckpointState = {
      epoch,
      weightsSha256: sha256,
      tensors: packed.entries,
      optimizer: meta.optimizer ?? null,
      hgm: meta.hgm ?? null,
      rng: meta.rng ?? null,
      extra: meta.extra ?? null,
    };
    await writeSynced(path.join(tempDir, STATE_FILE), JSON.stringify(state, null, 1) + '\n');
    fsyncDirBestEffort(tempDir);
    await moveIntoPlace(tempDir, finalDir, `${finalDir}.old-${stamp}`);
    fsyncDirBestEffort(root);
  } catch (error) {
    await fsp.rm(tempDir, { recursive: true, force: true });
    throw asWriteError(finalDir, error);
  }
  return finalDir;
}

/** weights.bin in one write call (a short write goes on where it stopped), fsynced; returns its sha256. */
async function writeWeights(file: string, bytes: Uint8Array): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const handle = await fsp.open(file, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    await handle.sync();
  } finally {
    await handle.close();
  }
  return sha256;
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
async function moveIntoPlace(tempDir: string, finalDir: string, aside: string): Promise<void> {
  if (!fs.existsSync(finalDir)) {
    await fsp.rename(tempDir, finalDir);
    return;
  }
  await fsp.rename(finalDir, aside);
  await fsp.rename(tempDir, finalDir);
  await fsp.rm(aside, { recursive: true, force: true });
}
