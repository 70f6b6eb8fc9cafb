// The joint baseline's step when every encoder is an MLP with ReLU, written out as the MLA one is
// (mla-mlp-step.ts): each encoder's forward pass (mlp-pass.ts), features of absent rows zeroed and
// concatenated into F [B, M·d], logits z = F·K + c; backward dK = Fᵀ·δz, dc = Σ δz, ∂loss/∂F = δz·Kᵀ, whose
// column block i (times the presence column) starts encoder i's backward pass; then one fast-path optimizer
// update. The unimodal read-outs use the head before the update, as `jointStep` does: z_i = f_i·K_i + c/2 with
// K_i the rows of K for modality i, rows lacking the modality weighted 0.

import type * as tf from '@tensorflow/tfjs';
import type { Info, TensorHost } from '../../backend/host';
import type { JointStepTotals } from '../../methods/joint';
import type { StepSums } from '../../methods/types';
import type { MlpEncoder } from '../../model/mlp';
import type { HostUpdate } from '../../optim/fast-update';
import type { Optimizer } from '../../optim/optimizer';
import type { Network } from '../network';
import { mlpBackward, mlpForward, mlpPassApplies, owner, softmaxCrossEntropyBackward } from './mlp-pass';

export interface FastJointInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
}

export function fastJointApplies(net: Network, xs: tf.Tensor[]): boolean {
  return net.order.every((m, i) => mlpPassApplies(net.encoder(m), xs[i]));
}

export function fastJointMlpStep(
  host: TensorHost,
  net: Network,
  optimizer: Optimizer,
  input: FastJointInput,
): JointStepTotals {
  const owned: Info[] = [];
  try {
    const pass = jointMlpGradients(host, net, input, 2, owner(owned));
    const updates: HostUpdate[] = net.trainableVariables().map((variable) => ({
      variable,
      grad: pass.grads.get(variable)!,
    }));
    optimizer.stepHost(host, updates, input.lr);
    return { lossSum: pass.lossSum, correct: pass.correct, rows: input.y.shape[0], unimodal: pass.unimodal };
  } finally {
    host.release(...owned);
  }
}

/** The joint network's forward and backward pass on the fused loss, and its read-outs; no update. */
export interface JointMlpGradients {
  /** Every trainable variable's gradient, buffers of `own`. */
  grads: Map<tf.Variable, Info>;
  lossSum: number;
  correct: number;
  /** Per modality: the read-out's loss × rows and correct count over the rows that have the modality. */
  unimodal: StepSums[];
  /** Per modality: the read-out's logits (bias included), [B, C]. */
  readOuts: Float32Array[];
  /** Per modality: 0/1 per row, or null where every row has it. */
  present: (Float32Array | null)[];
}

/**
 * Forward, read-outs and backward of the joint step. The read-out of modality i is f_i·K_i + c/`biasDivisor`,
 * from the head before the update.
 */
export function jointMlpGradients(
  host: TensorHost,
  net: Network,
  input: FastJointInput,
  biasDivisor: number,
  own: (info: Info) => Info,
): JointMlpGradients {
  const B = input.y.shape[0];
  const C = net.classes;
  const d = net.featureDim;
  const M = net.order.length;
  const K = net.head.kernel.variable;
  const c = net.head.bias.variable;
  const passes = net.order.map((m, i) =>
    mlpForward(host, net.encoder(m) as MlpEncoder, input.xs[i], input.seed, own),
  );
  // Presence columns as JS arrays (0 or 1 per row), read once.
  const present = input.masks.map((mask) => (mask ? Float32Array.from(host.view(mask)) : null));
  const F = own(host.output([B, M * d]));
  passes.forEach((pass, i) => copyBlock(host.view(pass.features), host.view(F), i, d, M * d, present[i]));
  const z = own(host.matMul(F, K, false, false));
  const dz = own(host.output([B, C]));
  const y = host.view(input.y);
  const joint = softmaxCrossEntropyBackward(host.view(z), host.view(c), y, host.view(dz), C);

  // Read-outs with the head before the update. Absent rows weigh 0, so their (unzeroed) features do not matter.
  const readOutBias = Float32Array.from(host.view(c), (v) => v / biasDivisor);
  const readOuts: Float32Array[] = [];
  const unimodal = passes.map((pass, i) => {
    // A copy first: the upload's allocation may move the heap under a view of K.
    const rowsOfK = host.view(K).slice(i * d * C, (i + 1) * d * C);
    const Ki = own(host.upload(rowsOfK, [d, C]));
    const zi = own(host.matMul(pass.features, Ki, false, false));
    const sums = softmaxCrossEntropyBackward(
      host.view(zi),
      readOutBias,
      host.view(input.y),
      null,
      C,
      present[i],
    );
    readOuts.push(Float32Array.from(host.view(zi)));
    return sums;
  });

  const grads = new Map<tf.Variable, Info>();
  grads.set(K, own(host.matMul(F, dz, true, false)));
  grads.set(c, own(host.columnSums(dz)));
  const dF = own(host.matMul(dz, K, false, true));
  passes.forEach((pass, i) => {
    const delta = own(host.output([B, d]));
    copyBack(host.view(dF), host.view(delta), i, d, M * d, present[i]);
    mlpBackward(host, pass, delta, grads, own);
  });
  return { grads, lossSum: joint.lossSum, correct: joint.correct, unimodal, readOuts, present };
}

/** Writes the [B, d] features into column block `block` of the [B, width] buffer, times the row's presence. */
function copyBlock(
  from: Float32Array,
  to: Float32Array,
  block: number,
  d: number,
  width: number,
  present: Float32Array | null,
): void {
  const rows = from.length / d;
  for (let r = 0; r < rows; r++) {
    copyRow(from, r * d, to, r * width + block * d, d, present ? present[r] : 1);
  }
}

/** Column block `block` of the [B, width] buffer into a [B, d] one, times the row's presence. */
function copyBack(
  from: Float32Array,
  to: Float32Array,
  block: number,
  d: number,
  width: number,
  present: Float32Array | null,
): void {
  const rows = to.length / d;
  for (let r = 0; r < rows; r++) {
    copyRow(from, r * width + block * d, to, r * d, d, present ? present[r] : 1);
  }
}

/** d values from `from` at `src` to `to` at `dst`, times w. */
function copyRow(from: Float32Array, src: number, to: Float32Array, dst: number, d: number, w: number): void {
  // x·1 is x to the bit: a row that is present is a copy, which `set` does several times faster
  if (w === 1) to.set(from.subarray(src, src + d), dst);
  else for (let j = 0; j < d; j++) to[dst + j] = from[src + j] * w;
}
