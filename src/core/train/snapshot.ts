// Everything the training loop needs to continue exactly where it stopped, to and from a checkpoint:
// weights and BatchNorm statistics, optimizer slots and step counts, the method's own state (MLA: the HGM
// projector), and the position in the epoch. Random draws are derived from (seed, epoch, batch), so the
// position is the whole RNG state.

import * as tf from '@tensorflow/tfjs';
import type { MethodTrainer } from '../methods/types';
import type { Optimizer, OptimizerState } from '../optim/optimizer';
import type { EpochRecord } from '../runs/types';
import type { Checkpoint, NamedTensor, PackedCheckpoint } from '../runs/checkpoint';
import { packCheckpoint } from '../runs/checkpoint-save';
import type { Network } from './network';
import type { TotalsValue } from './totals';

export interface LoopPosition {
  /** Epochs fully trained and evaluated. */
  epochsDone: number;
  /** Next batch of epoch `epochsDone` (0-based); 0 at an epoch boundary. */
  nextBatch: number;
  /** Sums of the unfinished epoch's batches (only when `nextBatch > 0`). */
  partial: Record<string, TotalsValue> | null;
  /** Training seconds of the unfinished epoch so far. */
  partialSeconds: number;
  /** Training seconds over all finished epochs. */
  trainSeconds: number;
  /** Wall seconds over all sessions of the run. */
  elapsed: number;
}

interface OptimizerMeta {
  type: string;
  steps: Record<string, number>;
  slots: Record<string, string[]>;
}

const OPTIMIZER_PREFIX = 'optimizer/';

/**
 * The loop's state as a packed checkpoint: every value copied out of the live weights and slots, so the
 * next step may change them while the copy is being written (checkpoint-writer.ts).
 */
export async function captureSnapshot(
  net: Network,
  optimizer: Optimizer,
  method: MethodTrainer,
  position: LoopPosition,
  seed: number,
  /** The epoch's metrics record, at an epoch's end: resume re-appends it when the line never got written. */
  record?: EpochRecord,
): Promise<PackedCheckpoint> {
  const named = net.namedVariables();
  // Every read is started before any is awaited: one round trip for all of them where the device is remote.
  const [values, state, own] = await Promise.all([
    Promise.all(named.map((v) => v.variable.data() as Promise<Float32Array>)),
    optimizer.exportState(new Map(named.map((v) => [v.variable, v.name]))),
    method.snapshot(),
  ]);
  const tensors: NamedTensor[] = named.map((v, i) => ({
    name: v.name,
    shape: v.variable.shape,
    values: values[i],
  }));
  const meta: OptimizerMeta = { type: state.type, steps: {}, slots: {} };
  for (const [param, entry] of Object.entries(state.params)) {
    meta.steps[param] = entry.step;
    meta.slots[param] = Object.keys(entry.slots);
    for (const [slot, value] of Object.entries(entry.slots))
      tensors.push({ name: `${OPTIMIZER_PREFIX}${param}/${slot}`, shape: value.shape, values: value.values });
  }
  tensors.push(...own.tensors);
  // A checkpoint taken inside an epoch carries that epoch's number; finishing the epoch replaces it.
  const label = position.nextBatch > 0 ? position.epochsDone + 1 : position.epochsDone;
  return packCheckpoint(label, tensors, {
    optimizer: meta,
    hgm: own.hgm,
    rng: {
      scheme: 'derived from seed, epoch and batch',
      seed,
      epoch: position.epochsDone,
      batch: position.nextBatch,
    },
    extra: record ? { ...position, record } : position,
  });
}

/** Loads the model's weights (and BatchNorm statistics) from `checkpoint`; returns its tensors by name. */
export function assignWeights(checkpoint: Checkpoint, net: Network): Map<string, NamedTensor> {
  const where = checkpoint.dir;
  const byName = new Map(checkpoint.tensors.map((t) => [t.name, t]));
  for (const v of net.namedVariables()) {
    const t = byName.get(v.name);
    if (!t)
      throw new Error(`${where}: checkpoint has no tensor "${v.name}" (was it written by another model?)`);
    if (t.shape.join(',') !== v.variable.shape.join(',')) {
      throw new Error(
        `${where}: tensor "${v.name}" has shape [${t.shape}], the model expects [${v.variable.shape}]`,
      );
    }
    tf.tidy(() => v.variable.assign(tf.tensor(t.values, t.shape, 'float32')));
  }
  return byName;
}

/** Loads weights, optimizer and the method's state from `checkpoint` into the live objects; returns where to go on. */
export function restoreSnapshot(
  checkpoint: Checkpoint,
  net: Network,
  optimizer: Optimizer,
  method: MethodTrainer,
): LoopPosition {
  const where = checkpoint.dir;
  const byName = assignWeights(checkpoint, net);
  const meta = checkpoint.optimizer as OptimizerMeta;
  const state: OptimizerState = { type: meta.type, params: {} };
  for (const [param, step] of Object.entries(meta.steps)) {
    const slots: OptimizerState['params'][string]['slots'] = {};
    for (const slot of meta.slots[param] ?? []) {
      const t = byName.get(`${OPTIMIZER_PREFIX}${param}/${slot}`);
      if (!t) throw new Error(`${where}: optimizer slot "${param}/${slot}" is missing`);
      slots[slot] = { shape: t.shape, values: t.values };
    }
    state.params[param] = { step, slots };
  }
  optimizer.importState(state, new Map(net.namedVariables().map((v) => [v.name, v.variable])));
  method.restore(checkpoint, byName);
  const { record: _record, ...position } = checkpoint.extra as LoopPosition & { record?: EpochRecord };
  return position;
}

/** The metrics record an epoch-end checkpoint carries (older checkpoints and stop checkpoints carry none). */
export function checkpointRecord(checkpoint: Checkpoint): EpochRecord | null {
  const extra = checkpoint.extra as { record?: EpochRecord } | null;
  return extra?.record ?? null;
}
