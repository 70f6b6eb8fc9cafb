// G-Blending (Wang et al., CVPR 2020; docs/algorithm.md, G-Blending), offline mode: a fused head on the
// concatenated features plus one head per modality, trained on a weighted sum of their losses. The weights
// come from a warm-up: `warmupEpochs` epochs with equal weights, trained without a seeded `holdout` part of
// train; each head's loss on the trained rows and on the held-out rows is measured before and after it, and
// head k gets w_k ∝ G_k / ΔO_k², with G_k = |ΔL_val,k| (what it gained in generalisation) and
// O_k = L_val,k − L_train,k (how much it overfits). From the next epoch on, every row trains on that blend.
//
// The network's one head holds every head side by side: kernel [M·featureDim, (M+1)·C], bias [(M+1)·C]. The
// fused head is columns 0 … C − 1 over all the features; modality m's head is columns (m+1)·C … (m+2)·C − 1
// over its own rows m·featureDim … (m+1)·featureDim − 1 of the kernel (the rest of those columns is unused).

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import { carveValidation } from '../data/splits';
import { DataError } from '../data/types';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint, NamedTensor } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import { labelTensor } from '../train/batches';
import { fastBlendApplies, fastBlendMlpStep } from '../train/fast/blend-mlp-step';
import { countCorrect, softmaxCrossEntropy } from '../train/loss';
import type { Network } from '../train/network';
import { applyUpdates } from './apply-updates';
import type { JointStepTotals } from './joint';
import { fusedStepFigures, fusedTrainRecord } from './means';
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

/**
 * The floor of ΔO² in the weight rule: a head whose overfitting did not change at all (ΔO = 0) is weighted as
 * if it had changed by 0.001 nats, large but finite, instead of dividing by zero.
 */
export const OVERFIT_FLOOR = 1e-6;

/** Rows per forward pass when the warm-up's losses are measured. */
const MEASURE_CHUNK = 1024;

const START_TENSOR = 'gblending/start-losses';
const WEIGHTS_TENSOR = 'gblending/weights';

/** The fused head's logits: columns 0 … C − 1 of the head over the concatenated features. */
export function blendFusedLogits(net: Network, features: tf.Tensor2D[]): tf.Tensor2D {
  const C = net.classes;
  const kernel = net.head.kernel.variable as tf.Tensor2D;
  const bias = net.head.bias.variable as tf.Tensor1D;
  const x = tf.concat(features, 1);
  return x.matMul(kernel.slice([0, 0], [x.shape[1], C])).add(bias.slice([0], [C])) as tf.Tensor2D;
}

/** Modality `index`'s own head: its rows of the kernel, its block of columns. */
export function blendOwnLogits(net: Network, index: number, features: tf.Tensor2D): tf.Tensor2D {
  const C = net.classes;
  const d = net.featureDim;
  const kernel = net.head.kernel.variable as tf.Tensor2D;
  const bias = net.head.bias.variable as tf.Tensor1D;
  const at = (index + 1) * C;
  return features.matMul(kernel.slice([index * d, at], [d, C])).add(bias.slice([at], [C])) as tf.Tensor2D;
}

/** Each head's mean loss on the trained rows and on the held-out rows; `[K]` each, fused first. */
export interface HeadLosses {
  train: tf.Tensor1D;
  val: tf.Tensor1D;
}

/**
 * The blending weights from the heads' losses before (`start`) and after (`end`) the warm-up:
 * w_k = G_k / max(ΔO_k², OVERFIT_FLOOR) normalised to sum 1, G_k = |L_val,k(end) − L_val,k(start)|,
 * O_k = L_val,k − L_train,k. Where no head gained anything (every G_k = 0) the weights stay equal.
 */
export function blendWeights(start: HeadLosses, end: HeadLosses): tf.Tensor1D {
  return tf.tidy(() => {
    const gain = tf.abs(tf.sub(end.val, start.val));
    const overfit = tf.sub(tf.sub(end.val, end.train), tf.sub(start.val, start.train));
    const raw = tf.div(gain, tf.maximum(tf.square(overfit), OVERFIT_FLOOR));
    const total = tf.sum(raw);
    const usable = tf.logicalAnd(tf.greater(total, 0), tf.isFinite(total));
    const uniform = tf.fill(raw.shape, 1 / raw.shape[0]);
    return tf.where(usable, tf.div(raw, tf.where(usable, total, tf.onesLike(total))), uniform) as tf.Tensor1D;
  });
}

/** Mean over the rows with weight 1 of the rows' cross-entropy (0 where no row has weight). */
function maskedCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, weight: tf.Tensor1D): tf.Scalar {
  const rowLoss = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  return tf.div(tf.sum(tf.mul(rowLoss, weight)), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
}

export interface BlendStepInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
  /** `[M + 1]`: the fused loss's weight, then each modality's in `net.order`. */
  weights: tf.Tensor1D;
  /** False forces autodiff and the optimizer's tf ops (tests compare the two). Default true. */
  fastPath?: boolean;
}

/**
 * One G-Blending step: every parameter on w_0·L_fused + Σ_m w_m·L_m (L_m over the rows that have m). All-MLP
 * networks on the wasm and cpu backends take the fast path (fast/blend-mlp-step.ts).
 */
export function blendStep(net: Network, optimizer: Optimizer, input: BlendStepInput): JointStepTotals {
  const host = input.fastPath === false ? null : tensorHost();
  if (host && fastBlendApplies(net, input.xs)) return fastBlendMlpStep(host, net, optimizer, input);
  const variables = net.trainableVariables();
  const rows = input.y.shape[0];
  return tf.tidy(() => {
    const present = input.masks.map((mask) => (mask ? mask.reshape([rows]) : tf.ones([rows])) as tf.Tensor1D);
    let fusedLogits: tf.Tensor2D | null = null;
    let own: tf.Tensor2D[] = [];
    let fusedLoss: tf.Scalar | null = null;
    const { grads } = tf.variableGrads(() => {
      const fs = net.jointFeatures(input.xs, input.masks, { training: true, seed: input.seed });
      const zf = blendFusedLogits(net, fs);
      const zs = fs.map((f, i) => blendOwnLogits(net, i, f));
      fusedLogits = tf.keep(zf);
      own = zs.map((z) => tf.keep(z));
      const lf = softmaxCrossEntropy(zf, input.y);
      fusedLoss = tf.keep(lf);
      const losses = [lf, ...zs.map((z, i) => maskedCrossEntropy(z, input.y, present[i]))];
      return tf.sum(tf.mul(tf.stack(losses), input.weights)) as tf.Scalar;
    }, variables);
    applyUpdates(
      optimizer,
      host,
      variables.map((variable) => ({ variable, grad: grads[variable.name] })),
      input.lr,
    );
    // Figures of the heads before this step's update, like the losses it trained on.
    const unimodal = own.map((z, i) => {
      const rowLoss = tf.neg(tf.sum(tf.mul(input.y, tf.logSoftmax(z)), 1));
      const hit = tf.equal(tf.argMax(z, 1), tf.argMax(input.y, 1)).toFloat();
      return {
        lossSum: tf.keep(tf.sum(tf.mul(rowLoss, present[i])) as tf.Scalar),
        correct: tf.keep(tf.sum(tf.mul(hit, present[i])) as tf.Scalar),
      };
    });
    const lossSum = tf.keep(fusedLoss!.mul(rows) as tf.Scalar);
    const correct = tf.keep(countCorrect(fusedLogits!, input.y));
    tf.dispose([...own, fusedLogits!, fusedLoss!]);
    return { lossSum, correct, rows, unimodal };
  });
}

class BlendTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];
  private readonly trained: Int32Array;
  private readonly heldOut: Int32Array;
  private readonly inHoldout: Uint8Array;
  private readonly uniform: tf.Tensor1D;
  /** `[2, M + 1]`: the losses before the warm-up, train row then held-out row; null once the weights exist. */
  private start: tf.Tensor2D | null = null;
  private weights: tf.Tensor1D | null = null;

  constructor(private readonly setup: MethodSetup) {
    const { data, config, seed } = setup;
    this.totalsKeys = [...data.modalities.map((m) => m.name), FUSED_TOTALS_KEY];
    const { holdout } = config.gblending;
    const split = carveValidation(data.train, data.labels, holdout, seed, 'gblending-holdout');
    if (split.val.length === 0 || split.train.length === 0) {
      throw new DataError(
        `gblending.holdout ${holdout} of ${data.train.length} train rows leaves ${split.val.length} rows held out and ${split.train.length} to train on; expected at least one of each`,
      );
    }
    this.trained = split.train;
    this.heldOut = split.val;
    this.inHoldout = new Uint8Array(data.labels.length);
    for (const i of split.val) this.inHoldout[i] = 1;
    this.uniform = tf.fill([data.modalities.length + 1], 1 / (data.modalities.length + 1));
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const warmingUp = batch.epoch < this.setup.config.gblending.warmupEpochs;
    if (warmingUp && !this.start) {
      if (batch.epoch > 0 || batch.batch > 0) {
        throw new Error(
          `G-Blending: the losses from before the warm-up are missing at epoch ${batch.epoch + 1}, batch ${batch.batch + 1}`,
        );
      }
      this.start = this.measure();
    }
    if (!warmingUp && !this.weights) {
      if (!this.start) throw new Error('G-Blending: the losses from before the warm-up are missing');
      const end = this.measure();
      this.weights = tf.tidy(() => blendWeights(lossesOf(this.start!), lossesOf(end)));
      tf.dispose([this.start, end]);
      this.start = null;
    }
    const rows = warmingUp ? batch.rows.filter((r) => this.inHoldout[r] === 0) : batch.rows;
    if (rows.length === 0) return [];
    return this.step(rows, batch, this.weights ?? this.uniform);
  }

  private step(rows: Int32Array, batch: TrainBatch, weights: tf.Tensor1D): StepFigure[] {
    const { data, net, optimizer, gatherers } = this.setup;
    const present = data.modalities.map((m) => (m.hasMissing ? countPresent(m.present, rows) : rows.length));
    const xs = gatherers.map((g) => g.gather(rows));
    const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, rows) : null));
    const y = labelTensor(data.labels, rows, data.classes.length);
    const t = blendStep(net, optimizer, { xs, masks, y, lr: batch.lr, seed: batch.seed, weights });
    tf.dispose([...xs, y, ...masks.filter((mk): mk is tf.Tensor2D => mk !== null)]);
    return fusedStepFigures(
      t,
      data.modalities.map((m) => m.name),
      present,
    );
  }

  /** `[2, M + 1]`: every head's mean eval-mode loss on the trained rows, then on the held-out rows. */
  private measure(): tf.Tensor2D {
    return tf.tidy(
      () => tf.stack([this.meanLosses(this.trained), this.meanLosses(this.heldOut)]) as tf.Tensor2D,
    );
  }

  private meanLosses(rows: Int32Array): tf.Tensor1D {
    const { data, net, gatherers } = this.setup;
    const ctx = { training: false, seed: 0 };
    let sums: tf.Tensor1D | null = null;
    let counts: tf.Tensor1D | null = null;
    for (let at = 0; at < rows.length; at += MEASURE_CHUNK) {
      const chunk = rows.subarray(at, Math.min(rows.length, at + MEASURE_CHUNK));
      const [s, c] = tf.tidy(() => {
        const xs = gatherers.map((g) => g.gather(chunk));
        const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, chunk) : null));
        const y = labelTensor(data.labels, chunk, data.classes.length);
        const fs = net.jointFeatures(xs, masks, ctx);
        const rowLoss = (z: tf.Tensor2D) => tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1));
        const weight = masks.map((mk) => (mk ? mk.reshape([chunk.length]) : tf.ones([chunk.length])));
        const fused = tf.sum(rowLoss(blendFusedLogits(net, fs)));
        const own = fs.map((f, i) => tf.sum(tf.mul(rowLoss(blendOwnLogits(net, i, f)), weight[i])));
        const n = [tf.scalar(chunk.length), ...weight.map((w) => tf.sum(w))];
        return [tf.stack([fused, ...own]) as tf.Tensor1D, tf.stack(n) as tf.Tensor1D];
      });
      const oldS: tf.Tensor1D | null = sums;
      const oldC: tf.Tensor1D | null = counts;
      sums = oldS ? (tf.add(oldS, s) as tf.Tensor1D) : s;
      counts = oldC ? (tf.add(oldC, c) as tf.Tensor1D) : c;
      if (oldS && oldC) tf.dispose([oldS, oldC, s, c]);
    }
    const mean = tf.div(sums!, tf.maximum(counts!, 1)) as tf.Tensor1D;
    tf.dispose([sums!, counts!]);
    return mean;
  }

  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
    return fusedTrainRecord(means, order);
  }

  /** The loss weights this epoch trained with: equal during the warm-up, the measured ones after. */
  async diagnostics(): Promise<Record<string, number>> {
    const w = await (this.weights ?? this.uniform).data();
    const out: Record<string, number> = { 'gblending/weight/fused': w[0] };
    this.setup.net.order.forEach((m, i) => {
      out[`gblending/weight/${m}`] = w[i + 1];
    });
    return out;
  }

  async snapshot(): Promise<MethodSnapshot> {
    const tensors: NamedTensor[] = [];
    if (this.start) {
      const values = Float32Array.from(await this.start.data());
      tensors.push({ name: START_TENSOR, shape: this.start.shape, values });
    }
    if (this.weights) {
      const values = Float32Array.from(await this.weights.data());
      tensors.push({ name: WEIGHTS_TENSOR, shape: this.weights.shape, values });
    }
    return { tensors, hgm: null };
  }

  restore(checkpoint: Checkpoint, tensors: Map<string, NamedTensor>): void {
    const K = this.setup.net.order.length + 1;
    const start = tensors.get(START_TENSOR);
    const weights = tensors.get(WEIGHTS_TENSOR);
    for (const [t, expected] of [
      [start, 2 * K],
      [weights, K],
    ] as const) {
      if (t && t.values.length !== expected) {
        throw new Error(
          `${checkpoint.dir}: ${t.name} holds ${t.values.length} values; expected ${expected} (one per head: fused and ${K - 1} modalities)`,
        );
      }
    }
    this.disposeState();
    if (start) this.start = tf.tensor2d(start.values, [2, K]);
    if (weights) this.weights = tf.tensor1d(weights.values);
  }

  private disposeState(): void {
    if (this.start) this.start.dispose();
    if (this.weights) this.weights.dispose();
    this.start = null;
    this.weights = null;
  }

  dispose(): void {
    this.disposeState();
    this.uniform.dispose();
  }
}

function lossesOf(measured: tf.Tensor2D): HeadLosses {
  const [train, val] = tf.unstack(measured) as tf.Tensor1D[];
  return { train, val };
}

export const gblending: TrainingMethod = {
  name: 'gblending',
  headInputs: (featureDim, modalities) => featureDim * modalities,
  headOutputs: (classes, modalities) => classes * (modalities + 1),
  logits(net, xs, masks) {
    const ctx = { training: false, seed: 0 };
    const feats = net.jointFeatures(xs, masks, ctx);
    return {
      unimodal: feats.map((f, i) => blendOwnLogits(net, i, f)),
      fused: blendFusedLogits(net, feats),
    };
  },
  evalHead: {
    zeroAbsent: true,
    unimodal: (index) => ({ rowBlock: index, columnBlock: index + 1, biasDivisor: 1 }),
    fused: 'concat',
  },
  fusion: () => ({ type: 'concat-head', perSample: false }),
  trainer: (setup) => new BlendTrainer(setup),
};
