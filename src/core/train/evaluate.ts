// Evaluation of a split in eval mode: per-modality logits through the head, the fused prediction (MLA: the
// configured test-time fusion; joint: the concatenation head), and the figures a metrics record holds.

import * as tf from '@tensorflow/tfjs';
import type { FusionConfig } from '../config/types';
import { accuracy, argmaxRows, crossEntropyRows, macroF1 } from '../eval/metrics';
import { fuse } from '../mla/fusion';
import type { SplitScores } from '../runs/types';
import type { RowGatherer } from './batches';
import type { Network } from './network';
import type { PreparedData } from './prepare';

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

/**
 * Every chunk's forward pass is queued before any is read, and each chunk's outputs come back in one
 * asynchronous read (no synchronous read: the webgpu backend has none).
 */
export async function predictSplit(
  net: Network,
  data: PreparedData,
  gatherers: RowGatherer[],
  rows: Int32Array,
  fusion: FusionConfig,
): Promise<SplitOutputs> {
  const n = rows.length;
  const C = net.classes;
  const M = net.order.length;
  const logits = net.order.map(() => new Float32Array(n * C));
  const present = data.modalities.map((m) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = m.present[rows[i]];
    return out;
  });
  const jointFused = net.method === 'joint' ? new Float32Array(n * C) : null;
  const ctx = { training: false, seed: 0 };
  const chunks: { start: number; size: number; outputs: tf.Tensor }[] = [];
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const chunk = rows.subarray(start, Math.min(n, start + EVAL_CHUNK));
    // [outputs, chunk rows, C]: the unimodal logits in `net.order`, then (joint) the fused ones.
    const outputs = tf.tidy(() => {
      const xs = gatherers.map((g) => g.gather(chunk));
      if (net.method === 'mla') {
        return tf.stack(net.order.map((m, i) => net.head.apply(net.encoder(m).apply(xs[i], ctx))));
      }
      const masks = data.modalities.map((m, i) =>
        m.hasMissing
          ? tf.tensor2d(present[i].subarray(start, start + chunk.length), [chunk.length, 1]).toFloat()
          : null,
      );
      const feats = net.jointFeatures(xs, masks as (tf.Tensor2D | null)[], ctx);
      const uni = feats.map((f, i) => net.jointUnimodalLogits(i, f));
      return tf.stack([...uni, net.head.apply(tf.concat(feats, 1))]);
    });
    chunks.push({ start, size: chunk.length, outputs });
  }
  try {
    const values = await Promise.all(chunks.map((c) => c.outputs.data() as Promise<Float32Array>));
    chunks.forEach(({ start, size }, c) => {
      const block = size * C;
      for (let i = 0; i < M; i++) logits[i].set(values[c].subarray(i * block, (i + 1) * block), start * C);
      if (jointFused) jointFused.set(values[c].subarray(M * block, (M + 1) * block), start * C);
    });
  } finally {
    tf.dispose(chunks.map((c) => c.outputs));
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = data.labels[rows[i]];
  if (jointFused) {
    return { rows, labels, classes: C, logits, present, fused: jointFused, weights: null };
  }
  const { weights, fused } = fuse(logits, present, n, C, fusion, net.order);
  return { rows, labels, classes: C, logits, present, fused, weights };
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
