// One optimisation step of each method. Both return the step's summed loss and correct count as kept
// scalars, so the caller accumulates them on the device and reads them back only when it reports.

import * as tf from '@tensorflow/tfjs';
import { tensorHost, type TensorHost } from '../backend/host';
import type { HgmMode } from '../config/types';
import { hgmAlpha, type HgmProjector } from '../mla/hgm';
import type { Optimizer } from '../optim/optimizer';
import { fastJointApplies, fastJointMlpStep } from './fast/joint-mlp-step';
import { fastMlaMlpStep, fastPathApplies } from './fast/mla-mlp-step';
import { countCorrect, softmaxCrossEntropy } from './loss';
import type { Network } from './network';

export interface StepTotals {
  /** Loss × rows, so that partial batches weigh by their size. */
  lossSum: tf.Scalar;
  correct: tf.Scalar;
  rows: number;
}

/** The fused path's sums come as numbers (it computes them in JS), with `host` set. */
export interface HostStepTotals {
  host: true;
  lossSum: number;
  correct: number;
  rows: number;
}

export interface MlaStepInput {
  modality: string;
  x: tf.Tensor;
  y: tf.Tensor2D;
  lr: number;
  batch: number;
  batches: number;
  seed: number;
  /** Encoders already stepped in this batch: given zero gradients to mimic torch's zero_grad quirk. */
  quirkEncoders: string[];
  /** False forces the autodiff path where the fused one applies (tests compare the two). Default true. */
  fused?: boolean;
}

/**
 * MLA: the active modality's encoder and the shared head take one step on that modality's loss alone. MLP
 * encoders on the wasm and cpu backends take the fused path (fast/mla-mlp-step.ts), the rest autodiff.
 */
export function mlaStep(
  net: Network,
  optimizer: Optimizer,
  hgm: { projector: HgmProjector; mode: HgmMode } | null,
  input: MlaStepInput,
): StepTotals | HostStepTotals {
  const host = input.fused === false ? null : tensorHost();
  if (host && fastPathApplies(net, input.modality, input.x)) {
    return { host: true, ...fastMlaMlpStep(host, net, optimizer, hgm, input) };
  }
  const encoder = net.encoder(input.modality);
  const kernel = net.head.kernel.variable;
  const variables = [...encoder.trainable.map((v) => v.variable), kernel, net.head.bias.variable];
  const rows = input.x.shape[0];
  return tf.tidy(() => {
    let features: tf.Tensor2D | null = null;
    let logits: tf.Tensor2D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const f = encoder.apply(input.x, { training: true, seed: input.seed });
      const z = net.head.apply(f);
      // Kept past the gradient scope: HGM needs the features, the metrics need the logits.
      features = tf.keep(f);
      logits = tf.keep(z);
      return softmaxCrossEntropy(z, input.y);
    }, variables);
    const updates = variables.map((variable) => ({ variable, grad: grads[variable.name] }));
    if (hgm && hgm.mode !== 'off') {
      const alpha = hgmAlpha(input.batch, input.batches);
      const projected = hgm.projector.step(features!, alpha, grads[kernel.name] as tf.Tensor2D, hgm.mode);
      if (projected) updates[updates.length - 2].grad = projected;
    }
    for (const m of input.quirkEncoders) {
      for (const v of net.encoder(m).trainable)
        updates.push({ variable: v.variable, grad: tf.zerosLike(v.variable) });
    }
    applyUpdates(optimizer, host, updates, input.lr);
    const lossSum = tf.keep(value.mul(rows) as tf.Scalar);
    const correct = tf.keep(countCorrect(logits!, input.y));
    tf.dispose([features!, logits!]);
    return { lossSum, correct, rows };
  });
}

export interface JointStepInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
  /** False forces autodiff and the optimizer's tf ops (tests compare the two). Default true. */
  fused?: boolean;
}

export interface JointStepTotals extends StepTotals {
  /** Per modality, in `net.order`: the unimodal read-out's loss × rows and correct count on this batch. */
  unimodal: { lossSum: tf.Scalar; correct: tf.Scalar }[];
}

/** The fused joint path's sums, as numbers. */
export interface HostJointTotals extends HostStepTotals {
  unimodal: { lossSum: number; correct: number }[];
}

/**
 * Joint baseline: every encoder and the concatenation head take one step on the fused loss. All-MLP networks
 * on the wasm and cpu backends take the fused path (fast/joint-mlp-step.ts).
 */
export function jointStep(
  net: Network,
  optimizer: Optimizer,
  input: JointStepInput,
): JointStepTotals | HostJointTotals {
  const host = input.fused === false ? null : tensorHost();
  if (host && fastJointApplies(net, input.xs)) {
    return { host: true, ...fastJointMlpStep(host, net, optimizer, input) };
  }
  const variables = net.trainableVariables();
  const rows = input.y.shape[0];
  return tf.tidy(() => {
    let feats: tf.Tensor2D[] = [];
    let logits: tf.Tensor2D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const fs = net.jointFeatures(input.xs, input.masks, { training: true, seed: input.seed });
      const z = net.head.apply(tf.concat(fs, 1));
      feats = fs.map((f) => tf.keep(f));
      logits = tf.keep(z);
      return softmaxCrossEntropy(z, input.y);
    }, variables);
    // The read-out uses the head before this step's update, like the fused logits above.
    // Rows lacking the modality are left out of its figures (their features are zero).
    const unimodal = feats.map((f, i) => {
      const z = net.jointUnimodalLogits(i, f);
      const mask = input.masks[i];
      const weight = mask ? mask.reshape([rows]) : tf.ones([rows]);
      const rowLoss = tf.neg(tf.sum(tf.mul(input.y, tf.logSoftmax(z)), 1));
      const hit = tf.equal(tf.argMax(z, 1), tf.argMax(input.y, 1)).toFloat();
      return {
        lossSum: tf.keep(tf.sum(tf.mul(rowLoss, weight)) as tf.Scalar),
        correct: tf.keep(tf.sum(tf.mul(hit, weight)) as tf.Scalar),
      };
    });
    applyUpdates(
      optimizer,
      host,
      variables.map((variable) => ({ variable, grad: grads[variable.name] })),
      input.lr,
    );
    const lossSum = tf.keep(value.mul(rows) as tf.Scalar);
    const correct = tf.keep(countCorrect(logits!, input.y));
    tf.dispose([...feats, logits!]);
    return { lossSum, correct, rows, unimodal };
  });
}

/** The fused update (one loop per parameter on the backend's buffers) where the backend allows it. */
function applyUpdates(
  optimizer: Optimizer,
  host: TensorHost | null,
  updates: { variable: tf.Variable; grad: tf.Tensor }[],
  lr: number,
): void {
  if (host) optimizer.stepHost(host, updates, lr);
  else optimizer.step(updates, lr);
}
