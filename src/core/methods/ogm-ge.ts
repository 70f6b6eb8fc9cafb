// OGM-GE (Peng et al., CVPR 2022; docs/algorithm.md, OGM-GE): the joint network (concatenated features, one
// head, only the fused loss back-propagated), with each encoder's gradient scaled down by how far its modality
// leads: per batch, each modality's score s_m is the mean softmax probability of the true class under its
// slice of the head (bias split evenly), ρ_m = s_m / min over the other modalities' s, and k_m = 1 − tanh(α·ρ_m)
// where ρ_m > 1, else 1. With two modalities that is the paper's rule. Every encoder tensor of rank ≥ 2 (the
// weights, not the biases or normalisation scales) is modulated, not only 4-D convolution kernels as in the
// reference code, so that MLP encoders are modulated too; GE adds N(0, σ²) noise, σ = the gradient tensor's
// sample std, to each of them. Modulation and noise apply only in epochs [start, end].

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import type { OgmConfig } from '../config/types';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint, NamedTensor } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import { labelTensor } from '../train/batches';
import { fastJointApplies } from '../train/fast/joint-mlp-step';
import { fastOgmMlpStep } from '../train/fast/ogm-mlp-step';
import { countCorrect, softmaxCrossEntropy } from '../train/loss';
import type { Network } from '../train/network';
import { applyUpdates } from './apply-updates';
import { concatHeadPrediction, headSliceLogits } from './concat-head';
import { EpochSums } from './epoch-sums';
import { type JointStepTotals } from './joint';
import { fusedStepFigures, fusedTrainRecord } from './means';
import { MODALITY_SEED_STRIDE } from './mla';
import { countPresent, presenceColumn } from './presence';
import {
  FUSED_TOTALS_KEY,
  type EpochMeans,
  type MethodSetup,
  type MethodSnapshot,
  type MethodTrainer,
  type StepFigure,
  type TrainBatch,
  type TrainingMethod,
} from './types';

/** Mixed into the batch's seed for the noise draws, so they differ from the batch's dropout masks. */
const NOISE_SEED_SALT = 0x5bd1e995;

export interface OgmStepInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
  alpha: number;
  /** Inside the [start, end] window with every modality in the batch: modulate (and add noise if `noise`). */
  modulate: boolean;
  noise: boolean;
  /** False applies the optimizer as tf ops, as joint training's autodiff path does (tests compare the two). */
  fastPath?: boolean;
}

export interface OgmStepTotals extends JointStepTotals {
  /** `[M]` in `net.order`: this batch's ρ and k (k = 1 everywhere outside the window). */
  rho: tf.Tensor1D;
  k: tf.Tensor1D;
}

/**
 * Mean, over the rows with weight 1, of the softmax probability of the true class. The paper sums over the
 * batch; the mean gives the same ratios when every row has every modality and fair ones when some lack one.
 */
export function trueClassScore(logits: tf.Tensor2D, oneHot: tf.Tensor2D, weight: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sum(tf.mul(tf.softmax(logits), oneHot), 1);
    return tf.div(tf.sum(tf.mul(p, weight)), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
  });
}

/** ρ_m = s_m / min over the others' s; k_m = 1 − tanh(α·ρ_m) where ρ_m > 1, else 1. One modality: ρ = k = 1. */
export function ogmCoefficients(scores: tf.Tensor1D, alpha: number): { rho: tf.Tensor1D; k: tf.Tensor1D } {
  return tf.tidy(() => {
    const M = scores.shape[0];
    if (M < 2) return { rho: tf.onesLike(scores), k: tf.onesLike(scores) };
    const rho = tf.stack(
      Array.from({ length: M }, (_, m) => {
        const others = tf.concat([scores.slice(0, m), scores.slice(m + 1)]);
        return tf.div(scores.slice(m, 1).reshape([]), tf.min(others));
      }),
    ) as tf.Tensor1D;
    const damped = tf.sub(1, tf.tanh(tf.mul(alpha, rho)));
    const k = tf.where(tf.greater(rho, 1), damped, tf.onesLike(rho)) as tf.Tensor1D;
    return { rho, k };
  });
}

/** g·k, plus N(0, σ²) noise with σ = g's sample std when `noise`. */
export function modulatedGradient(grad: tf.Tensor, k: tf.Scalar, noise: boolean, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const scaled = tf.mul(grad, k);
    if (!noise) return scaled;
    const n = grad.size;
    const centred = tf.sub(grad, tf.mean(grad));
    const std = tf.sqrt(tf.div(tf.sum(tf.square(centred)), Math.max(n - 1, 1)));
    return tf.add(scaled, tf.mul(tf.randomNormal(grad.shape, 0, 1, 'float32', seed), std));
  });
}

/**
 * One OGM-GE step: the joint network on the fused loss, each modality's encoder weights modulated. All-MLP
 * networks on the wasm and cpu backends take the fast path (fast/ogm-mlp-step.ts).
 */
export function ogmStep(net: Network, optimizer: Optimizer, input: OgmStepInput): OgmStepTotals {
  const host = input.fastPath === false ? null : tensorHost();
  // The noise seed of the `drawn`-th modulated tensor of the step.
  const noiseSeed = (drawn: number) => ((input.seed ^ NOISE_SEED_SALT) + drawn * MODALITY_SEED_STRIDE) >>> 0;
  if (host && fastJointApplies(net, input.xs)) return fastOgmMlpStep(host, net, optimizer, input, noiseSeed);
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
    // Scores and read-outs from the head before this step's update, like the fused logits above.
    const weights = input.masks.map((mask) => (mask ? mask.reshape([rows]) : tf.ones([rows])) as tf.Tensor1D);
    const readOuts = feats.map((f, i) => headSliceLogits(net, i, f));
    const scores = tf.stack(readOuts.map((z, i) => trueClassScore(z, input.y, weights[i]))) as tf.Tensor1D;
    const { rho, k } = ogmCoefficients(scores, input.modulate ? input.alpha : 0);
    const updates = variables.map((variable) => ({ variable, grad: grads[variable.name] }));
    if (input.modulate) {
      const byName = new Map(updates.map((u) => [u.variable.name, u]));
      let drawn = 0;
      net.order.forEach((m, i) => {
        const ki = k.slice(i, 1).reshape([]) as tf.Scalar;
        for (const v of net.encoder(m).trainable) {
          if (v.variable.rank < 2) continue;
          const u = byName.get(v.variable.name)!;
          u.grad = modulatedGradient(u.grad, ki, input.noise, noiseSeed(drawn++));
        }
      });
    }
    applyUpdates(optimizer, host, updates, input.lr);
    const unimodal = readOuts.map((z, i) => {
      const rowLoss = tf.neg(tf.sum(tf.mul(input.y, tf.logSoftmax(z)), 1));
      const hit = tf.equal(tf.argMax(z, 1), tf.argMax(input.y, 1)).toFloat();
      return {
        lossSum: tf.keep(tf.sum(tf.mul(rowLoss, weights[i])) as tf.Scalar),
        correct: tf.keep(tf.sum(tf.mul(hit, weights[i])) as tf.Scalar),
      };
    });
    const lossSum = tf.keep(value.mul(rows) as tf.Scalar);
    const correct = tf.keep(countCorrect(logits!, input.y));
    tf.keep(rho);
    tf.keep(k);
    tf.dispose([...feats, logits!]);
    return { lossSum, correct, rows, unimodal, rho, k };
  });
}

/** ρ and k per modality, over the batches where every modality has rows. */
const OGM_SUMS = {
  prefix: 'ogm',
  series: [
    { name: 'rho', tensor: 'ogm/rho-sum' },
    { name: 'k', tensor: 'ogm/k-sum' },
  ],
  countTensor: 'ogm/batches',
  perModalityCount: false,
  what: 'OGM-GE coefficient sums',
} as const;

class OgmTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];
  private readonly options: OgmConfig;
  private readonly coefficients = new EpochSums(OGM_SUMS);

  constructor(private readonly setup: MethodSetup) {
    this.totalsKeys = [...setup.data.modalities.map((m) => m.name), FUSED_TOTALS_KEY];
    this.options = setup.config.ogm;
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const { data, net, optimizer, gatherers } = this.setup;
    const { rows } = batch;
    const epoch = batch.epoch + 1;
    const present = data.modalities.map((m) => (m.hasMissing ? countPresent(m.present, rows) : rows.length));
    // A batch without some modality has no score for it, so no ratio: it trains as joint training.
    const modulate =
      epoch >= this.options.start && epoch <= this.options.end && present.every((count) => count > 0);
    const xs = gatherers.map((g) => g.gather(rows));
    const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, rows) : null));
    const y = labelTensor(data.labels, rows, data.classes.length);
    const t = ogmStep(net, optimizer, {
      xs,
      masks,
      y,
      lr: batch.lr,
      seed: batch.seed,
      alpha: this.options.alpha,
      modulate,
      noise: this.options.noise,
    });
    tf.dispose([...xs, y, ...masks.filter((mk): mk is tf.Tensor2D => mk !== null)]);
    // ρ and k exist only where every modality has rows (else a ratio divides by a score of none): the epoch's
    // means are over those batches.
    const everyPresent = present.every((count) => count > 0);
    const coefficients = everyPresent ? [t.rho, t.k] : [tf.zerosLike(t.rho), tf.zerosLike(t.k)];
    if (!everyPresent) tf.dispose([t.rho, t.k]);
    this.coefficients.add(
      coefficients,
      present.map(() => everyPresent),
    );
    return fusedStepFigures(
      t,
      data.modalities.map((m) => m.name),
      present,
    );
  }

  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
    return fusedTrainRecord(means, order);
  }

  diagnostics(): Promise<Record<string, number>> {
    return this.coefficients.take(this.setup.net.order);
  }

  async snapshot(): Promise<MethodSnapshot> {
    return { tensors: await this.coefficients.read(), hgm: null };
  }

  restore(checkpoint: Checkpoint, tensors: Map<string, NamedTensor>): void {
    this.coefficients.load(tensors, this.setup.net.order.length, checkpoint.dir);
  }

  dispose(): void {
    this.coefficients.dispose();
  }
}

export const ogmGe: TrainingMethod = {
  name: 'ogm-ge',
  ...concatHeadPrediction,
  trainer: (setup) => new OgmTrainer(setup),
};
