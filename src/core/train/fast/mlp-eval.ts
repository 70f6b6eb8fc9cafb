// Evaluation on the fast path: when every encoder is an MLP the fast training steps handle (mlp-pass.ts), the
// logits of a set of rows are computed forward-only in eval mode (no dropout) on the backend's buffers: rows
// gathered straight into the heap, each layer one product by the registered BatchMatMul and the bias + ReLU
// loop in place, the head read as the method's `evalHead` says. The tf path spends ≈ 10 engine calls per
// modality and chunk and an asynchronous read-back; here the logits land in JS arrays directly.
//
// The products are the same kernel calls on the same operands as the method's `logits` (the head's blocks are
// copied out of the kernel as `tf.slice` copies them) and the additions the same float32 operations, so the
// logits are the same bit for bit; only the mean-probability head's softmax is a JS loop where the tf path has
// the backend's kernel, an ulp or so apart (test/unit/train-fast-eval.test.ts compares every method).
//
// Missing modalities need no fallback: as on the tf path, the heads that zero an absent modality's features
// (`zeroAbsent`) multiply them by the presence, and the mean-probability head averages over the modalities a
// row has. Encoders other than MLPs with ReLU, and backends without a host (webgpu, libtensorflow), keep the
// tf path.

import { tensorHost, type Info, type TensorHost } from '../../backend/host';
import type { EvalHead, TrainingMethod } from '../../methods/types';
import type { MlpEncoder } from '../../model/mlp';
import type { RowGatherer } from '../batches';
import type { Network } from '../network';
import type { PreparedData } from '../prepare';
import { mlpEncoderApplies, owner } from './mlp-pass';

export interface RowsLogits {
  /** Per modality in `net.order`: `[n, C]` logits of the head applied to that modality alone. */
  logits: Float32Array[];
  /** `[n, C]` of the method's own fused head, or null where the configured test-time fusion combines `logits`. */
  fused: Float32Array | null;
}

/** Rows per forward pass: a few large products rather than many small ones, within a bounded heap. */
const MAX_CHUNK_ROWS = 1024;
/** Floats of the widest buffer of a pass (16 MB), so that wide inputs take fewer rows at a time. */
const MAX_CHUNK_ELEMENTS = 1 << 22;

const f32 = Math.fround;

/** The host to evaluate `net` on, or null where the tf path must (the condition of the fast training steps). */
export function fastEvalHost(net: Network, method: TrainingMethod): TensorHost | null {
  if (!method.evalHead) return null;
  const host = tensorHost();
  if (!host) return null;
  return net.order.every((m) => mlpEncoderApplies(net.encoder(m))) ? host : null;
}

/**
 * What `method.logits` gives for `rows` in eval mode; `present[i]` says which of those rows have modality i
 * (in `net.order`, which is `data.modalities`' and `gatherers`' order).
 */
export function fastRowsLogits(
  host: TensorHost,
  net: Network,
  head: EvalHead,
  data: PreparedData,
  gatherers: RowGatherer[],
  rows: Int32Array,
  present: Uint8Array[],
): RowsLogits {
  const n = rows.length;
  const C = net.classes;
  const M = net.order.length;
  const d = net.featureDim;
  const logits = net.order.map(() => new Float32Array(n * C));
  const fused = head.fused === 'none' ? null : new Float32Array(n * C);
  const encoders = net.order.map((m) => net.encoder(m) as MlpEncoder);
  const masked = data.modalities.map((m) => head.zeroAbsent && m.hasMissing);
  const K = net.head.kernel.variable;
  const bias = Float32Array.from(host.view(net.head.bias.variable));
  const constants: Info[] = [];
  try {
    const reads = net.order.map((_, i) => {
      const { rowBlock, columnBlock, biasDivisor } = head.unimodal(i, M);
      return {
        kernel: kernelBlock(host, K, rowBlock * d, d, columnBlock * C, C, constants),
        bias: Float32Array.from(bias.subarray(columnBlock * C, (columnBlock + 1) * C), (v) =>
          biasDivisor === 1 ? v : v / biasDivisor,
        ),
      };
    });
    const concat =
      head.fused === 'concat'
        ? { kernel: kernelBlock(host, K, 0, M * d, 0, C, constants), bias: bias.subarray(0, C) }
        : null;
    const step = chunkRows(encoders, M * d);
    for (let start = 0; start < n; start += step) {
      const chunk = rows.subarray(start, Math.min(n, start + step));
      const B = chunk.length;
      const owned: Info[] = [];
      const own = owner(owned);
      try {
        const features = encoders.map((encoder, i) => {
          const x = own(host.output([B, encoder.layout.inputSize]));
          gatherers[i].fill(chunk, host.view(x));
          const f = evalForward(host, encoder, x, own);
          if (masked[i]) timesPresence(host.view(f), present[i], start, d);
          return f;
        });
        features.forEach((f, i) => {
          const z = own(host.matMul(f, reads[i].kernel, false, false));
          addBiasInto(host.view(z), reads[i].bias, logits[i], start * C);
        });
        if (concat) {
          const F = own(host.output([B, M * d]));
          const all = host.view(F);
          features.forEach((f, i) => copyBlock(host.view(f), all, i, d, M * d));
          const z = own(host.matMul(F, concat.kernel, false, false));
          addBiasInto(host.view(z), concat.bias, fused!, start * C);
        }
      } finally {
        host.release(...owned);
      }
    }
  } finally {
    host.release(...constants);
  }
  if (head.fused === 'mean-probabilities') {
    meanProbabilityLogitsInto(
      logits,
      data.modalities.map((m, i) => (m.hasMissing ? present[i] : null)),
      fused!,
      C,
    );
  }
  return { logits, fused };
}

/** The encoder's eval-mode pass (`MlpEncoder.apply` without dropout): per layer h ← relu(h·W + b). */
function evalForward(host: TensorHost, encoder: MlpEncoder, x: Info, own: (info: Info) => Info): Info {
  const layout = encoder.layout;
  let h = x;
  for (const linear of [...layout.hidden.map((l) => l.linear), layout.projection]) {
    const a = own(host.matMul(h, linear.kernel, false, false));
    host.biasReluMask(a, linear.bias, null);
    h = a;
  }
  return h;
}

function chunkRows(encoders: MlpEncoder[], concatWidth: number): number {
  let widest = concatWidth;
  for (const { layout } of encoders) {
    widest = Math.max(widest, layout.inputSize, ...layout.hidden.map((l) => l.linear.outDim));
  }
  return Math.max(1, Math.min(MAX_CHUNK_ROWS, Math.floor(MAX_CHUNK_ELEMENTS / widest)));
}

/**
 * Rows `row0 …` and columns `col0 …` of the head kernel: the kernel itself when that is all of it, else a copy
 * (as `tf.slice` makes one), recorded in `constants` for release.
 */
function kernelBlock(
  host: TensorHost,
  kernel: Info,
  row0: number,
  rows: number,
  col0: number,
  cols: number,
  constants: Info[],
): Info {
  const [inDim, outDim] = kernel.shape;
  if (row0 === 0 && rows === inDim && col0 === 0 && cols === outDim) return kernel;
  // A copy first: the upload's allocation may move the heap under a view of the kernel.
  const all = host.view(kernel);
  const block = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const from = (row0 + r) * outDim + col0;
    block.set(all.subarray(from, from + cols), r * cols);
  }
  const info = host.upload(block, [rows, cols]);
  constants.push(info);
  return info;
}

/** out[at + k] = z[k] + bias[k mod C] in float32, as tf.add broadcasting a bias row. */
function addBiasInto(z: Float32Array, bias: Float32Array, out: Float32Array, at: number): void {
  const C = bias.length;
  for (let k = 0; k < z.length; k += C) {
    for (let j = 0; j < C; j++) out[at + k + j] = f32(z[k + j] + bias[j]);
  }
}

/** Rows of the [B, d] features times their presence (rows `start …` of `present`), as `f.mul(mask)`. */
function timesPresence(features: Float32Array, present: Uint8Array, start: number, d: number): void {
  const rows = features.length / d;
  for (let r = 0; r < rows; r++) {
    const w = present[start + r];
    if (w === 1) continue;
    for (let j = r * d; j < (r + 1) * d; j++) features[j] = features[j] * w;
  }
}

/** The [B, d] features into column block `block` of the [B, width] buffer, as `tf.concat` along axis 1. */
function copyBlock(from: Float32Array, to: Float32Array, block: number, d: number, width: number): void {
  const rows = from.length / d;
  for (let r = 0; r < rows; r++) to.set(from.subarray(r * d, (r + 1) * d), r * width + block * d);
}

/**
 * `meanProbabilityLogits` (methods/unimodal.ts) in float32 JS: per row, the log of the mean softmax over the
 * modalities it has; `present[i]` null where every row has modality i.
 */
function meanProbabilityLogitsInto(
  logits: Float32Array[],
  present: (Uint8Array | null)[],
  out: Float32Array,
  C: number,
): void {
  const n = out.length / C;
  const p = new Float32Array(C);
  for (let r = 0; r < n; r++) {
    const at = r * C;
    let count = 0;
    logits.forEach((z, i) => {
      softmaxRow(z, at, p);
      const mask = present[i];
      const w = mask ? mask[r] : 1;
      for (let j = 0; j < C; j++) {
        const weighted = mask ? f32(p[j] * w) : p[j];
        out[at + j] = i === 0 ? weighted : f32(out[at + j] + weighted);
      }
      count = i === 0 ? w : f32(count + w);
    });
    for (let j = 0; j < C; j++) out[at + j] = f32(Math.log(f32(out[at + j] / count)));
  }
}

/** Softmax of the row of z at `at` into p: exp(z − max) / Σ, each step rounded to float32. */
function softmaxRow(z: Float32Array, at: number, p: Float32Array): void {
  const C = p.length;
  let max = -Infinity;
  for (let j = 0; j < C; j++) max = Math.max(max, z[at + j]);
  let sum = 0;
  for (let j = 0; j < C; j++) {
    p[j] = Math.exp(f32(z[at + j] - max));
    sum = f32(sum + p[j]);
  }
  for (let j = 0; j < C; j++) p[j] = p[j] / sum;
}
