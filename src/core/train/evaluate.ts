// Evaluation of a split in eval mode: per-modality logits, the fused prediction (the method's own fused head
// where it has one, as the joint baseline; else the configured test-time fusion), and the figures a metrics
// record holds. MLP networks on the wasm and cpu backends take the fast path (fast/mlp-eval.ts).

import * as tf from '@tensorflow/tfjs';
import type { FusionConfig } from '../config/types';
import { accuracy, argmaxRows, crossEntropyRows, macroF1 } from '../eval/metrics';
import { fuse } from '../mla/fusion';
import { trainingMethod } from '../methods';
import type { SplitScores } from '../runs/types';
import type { RowGatherer } from './batches';
import type { Network } from './network';
import type { PreparedData } from './prepare';
import { fastEvalHost, fastRowsLogits, type RowsLogits } from './fast/mlp-eval';

/** Rows per forward pass in evaluation: large enough to be fast, small enough for big grids. */
const EVAL_CHUNK = 256;

export interface SplitOutputs {
  rows: Int32Array;
  labels: Int32Array;
  classes: number;
  /** Per modality in `net.order`: `[n, C]` logits of the head applied to that modality alone. */
  logits: Float32Array[];
  /** Per modality: n values, 1 = the sample has it. */
  present: Uint8Array[];
  /** `[n, C]` fused logits. */
  fused: Float32Array;
  /** Per modality: n fusion weights (MLA), or null for joint training. */
  weights: Float32Array[] | null;
}

export interface PredictOptions {
  /** False keeps the tf ops where the fast path applies (tests compare the two). Default true. */
  fastPath?: boolean;
}

/** `predictSplits` for one split. */
export async function predictSplit(
  net: Network,
  data: PreparedData,
  gatherers: RowGatherer[],
  rows: Int32Array,
  fusion: FusionConfig,
  options: PredictOptions = {},
): Promise<SplitOutputs> {
  const [out] = await predictSplits(net, data, gatherers, [rows], fusion, options);
  return out;
}

/**
 * Each split's outputs. MLP networks on the wasm and cpu backends are evaluated on the fast path
 * (fast/mlp-eval.ts), every split in one pass; the rest through the method's `logits` in tf ops.
 */
export async function predictSplits(
  net: Network,
  data: PreparedData,
  gatherers: RowGatherer[],
  splits: Int32Array[],
  fusion: FusionConfig,
  options: PredictOptions = {},
): Promise<SplitOutputs[]> {
  const method = trainingMethod(net.method);
  const host = options.fastPath === false ? null : fastEvalHost(net, method);
  const presents = splits.map((rows) => presenceOf(data, rows));
  let outputs: RowsLogits[];
  if (host) {
    const all = concatRows(splits);
    const present = data.modalities.map((_, i) => concatRows(presents.map((p) => p[i])));
    const joined = fastRowsLogits(host, net, method.evalHead!, data, gatherers, all, present);
    outputs = cut(joined, splits, net.classes);
  } else {
    outputs = [];
    for (let s = 0; s < splits.length; s++) {
      outputs.push(await tfRowsLogits(net, data, gatherers, splits[s], presents[s]));
    }
  }
  return splits.map((rows, s) => splitOutputs(net, data, rows, presents[s], outputs[s], fusion));
}

function presenceOf(data: PreparedData, rows: Int32Array): Uint8Array[] {
  return data.modalities.map((m) => {
    const out = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = m.present[rows[i]];
    return out;
  });
}

function concatRows<T extends Int32Array | Uint8Array>(parts: T[]): T {
  if (parts.length === 1) return parts[0];
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const out = (parts[0] instanceof Int32Array ? new Int32Array(length) : new Uint8Array(length)) as T;
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The joined rows' logits back into one piece per split. */
function cut(joined: RowsLogits, splits: Int32Array[], C: number): RowsLogits[] {
  if (splits.length === 1) return [joined];
  let at = 0;
  return splits.map((rows) => {
    const [from, to] = [at * C, (at + rows.length) * C];
    at += rows.length;
    return {
      logits: joined.logits.map((z) => z.slice(from, to)),
      fused: joined.fused ? joined.fused.slice(from, to) : null,
    };
  });
}

function splitOutputs(
  net: Network,
  data: PreparedData,
  rows: Int32Array,
  present: Uint8Array[],
  { logits, fused: methodFused }: RowsLogits,
  fusion: FusionConfig,
): SplitOutputs {
  const n = rows.length;
  const C = net.classes;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = data.labels[rows[i]];
  if (methodFused) {
    return { rows, labels, classes: C, logits, present, fused: methodFused, weights: null };
  }
  const { weights, fused } = fuse(logits, present, n, C, fusion, net.order);
  return { rows, labels, classes: C, logits, present, fused, weights };
}

/**
 * The method's `logits` in tf ops, chunk by chunk. Every chunk's forward pass is queued before any is read,
 * and each chunk's outputs come back in one asynchronous read (no synchronous read: the webgpu backend has
 * none).
 */
async function tfRowsLogits(
  net: Network,
  data: PreparedData,
  gatherers: RowGatherer[],
  rows: Int32Array,
  present: Uint8Array[],
): Promise<RowsLogits> {
  const n = rows.length;
  const C = net.classes;
  const M = net.order.length;
  const logits = net.order.map(() => new Float32Array(n * C));
  const method = trainingMethod(net.method);
  const chunks: { start: number; size: number; outputs: tf.Tensor; fused: boolean }[] = [];
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const chunk = rows.subarray(start, Math.min(n, start + EVAL_CHUNK));
    let fused = false;
    // [outputs, chunk rows, C]: the unimodal logits in `net.order`, then the method's fused ones if any.
    const outputs = tf.tidy(() => {
      const xs = gatherers.map((g) => g.gather(chunk));
      const masks = data.modalities.map((m, i) =>
        m.hasMissing
          ? (tf
              .tensor2d(present[i].subarray(start, start + chunk.length), [chunk.length, 1])
              .toFloat() as tf.Tensor2D)
          : null,
      );
      const out = method.logits(net, xs, masks);
      fused = out.fused !== null;
      return tf.stack(out.fused ? [...out.unimodal, out.fused] : out.unimodal);
    });
    chunks.push({ start, size: chunk.length, outputs, fused });
  }
  const methodFused = chunks.some((c) => c.fused) ? new Float32Array(n * C) : null;
  try {
    const values = await Promise.all(chunks.map((c) => c.outputs.data() as Promise<Float32Array>));
    chunks.forEach(({ start, size }, c) => {
      const block = size * C;
      for (let i = 0; i < M; i++) logits[i].set(values[c].subarray(i * block, (i + 1) * block), start * C);
      if (methodFused) methodFused.set(values[c].subarray(M * block, (M + 1) * block), start * C);
    });
  } finally {
    tf.dispose(chunks.map((c) => c.outputs));
  }
  return { logits, fused: methodFused };
}

export function scoreSplit(out: SplitOutputs, order: string[]): SplitScores {
  const n = out.rows.length;
  if (n === 0) return { fused: NaN, unimodal: {}, macroF1: NaN, loss: NaN };
  const fusedPred = argmaxRows(out.fused, n, out.classes);
  const unimodal: Record<string, number> = {};
  order.forEach((m, i) => {
    unimodal[m] = accuracy(argmaxRows(out.logits[i], n, out.classes), out.labels, out.present[i]) ?? NaN;
  });
  const ce = crossEntropyRows(out.fused, out.labels, n, out.classes);
  let loss = 0;
  for (let i = 0; i < n; i++) loss += ce[i];
  return {
    fused: accuracy(fusedPred, out.labels) ?? NaN,
    unimodal,
    macroF1: macroF1(fusedPred, out.labels, out.classes),
    loss: loss / n,
  };
}

/** Mean fusion weight per modality over the samples that have it (empty for joint training). */
export function meanFusionWeights(out: SplitOutputs, order: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  if (!out.weights) return result;
  order.forEach((m, i) => {
    let sum = 0;
    let count = 0;
    for (let r = 0; r < out.rows.length; r++) {
      if (out.present[i][r]) {
        sum += out.weights![i][r];
        count++;
      }
    }
    result[m] = count > 0 ? sum / count : 0;
  });
  return result;
}
