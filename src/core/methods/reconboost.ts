// ReconBoost (Hua et al., ICML 2024; docs/algorithm.md, ReconBoost): the joint network (concatenated features,
// one head) seen as an ensemble of per-modality learners f_m = φ_m·W_m + b/M (modality m's slice of the head's
// kernel plus 1/M of the bias, OGM-GE's read-out), whose sum is the head's fused logits. Training goes in
// stages, each for `stageEpochs` epochs on one modality, cycling through them in `net.order`: only that
// modality's encoder, its slice of the kernel and the shared bias are updated, on a reconcilement loss that down-weights the rows the rest of
// the ensemble already gets right; each stage is followed by `rectifyEpochs` epochs of global rectification,
// the whole ensemble on the fused cross-entropy (joint training's step). The schedule depends only on the
// epoch, so a resumed run trains exactly the phases an uninterrupted one does.

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import type { ReconboostConfig } from '../config/types';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint, NamedTensor } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import { labelTensor } from '../train/batches';
import type { Network } from '../train/network';
import { applyUpdates } from './apply-updates';
import { type JointStepTotals } from './joint';
import { fusedStepFigures, fusedTrainRecord } from './means';
import { concatHeadPrediction, headSliceLogits } from './concat-head';
import { ogmStep } from './ogm-ge';
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

/** What an epoch trains: one modality's learner on the reconcilement loss, or the whole ensemble. */
export type ReconPhase =
  { kind: 'boost'; stage: number; modality: number } | { kind: 'rectify'; stage: number };

/**
 * The phase of 0-based `epoch`: a cycle is `stageEpochs` boosting epochs then `rectifyEpochs` rectifying ones;
 * cycle s boosts modality s mod M.
 */
export function reconPhase(epoch: number, modalities: number, options: ReconboostConfig): ReconPhase {
  const cycle = options.stageEpochs + options.rectifyEpochs;
  const stage = Math.floor(epoch / cycle);
  if (epoch % cycle < options.stageEpochs) return { kind: 'boost', stage, modality: stage % modalities };
  return { kind: 'rectify', stage };
}

/**
 * Per row, w = 1 − λ·p_rest(y | x), p_rest the softmax of the rest of the ensemble's summed logits. With no
 * other learner (one modality) every weight is 1. The weights are constants of the step: no gradient flows
 * into the rest of the ensemble through them.
 */
export function reconcileWeights(rest: tf.Tensor2D | null, oneHot: tf.Tensor2D, lambda: number): tf.Tensor1D {
  return tf.tidy(() => {
    if (!rest) return tf.ones([oneHot.shape[0]]) as tf.Tensor1D;
    const pTrue = tf.sum(tf.mul(tf.softmax(rest), oneHot), 1);
    return tf.sub(1, tf.mul(lambda, pTrue)) as tf.Tensor1D;
  });
}

/**
 * The reconcilement loss: Σ_i present_i·w_i·CE(f_m(x_i), y_i) / Σ_i present_i, the mean over the rows that
 * have the modality (not over the weights, so that rows the ensemble gets right really count for less).
 */
export function reconcileLoss(
  logits: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  weights: tf.Tensor1D,
  present: tf.Tensor1D,
): tf.Scalar {
  return tf.tidy(() => {
    const rowLoss = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
    const weighted = tf.sum(tf.mul(rowLoss, tf.mul(weights, present)));
    return tf.div(weighted, tf.maximum(tf.sum(present), 1)) as tf.Scalar;
  });
}

/** A read-out's cross-entropy × rows and correct count over the rows with weight 1. */
function rowFigures(
  logits: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  weight: tf.Tensor1D,
): { lossSum: tf.Scalar; correct: tf.Scalar } {
  const rowLoss = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  const hit = tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)).toFloat();
  return {
    lossSum: tf.keep(tf.sum(tf.mul(rowLoss, weight)) as tf.Scalar),
    correct: tf.keep(tf.sum(tf.mul(hit, weight)) as tf.Scalar),
  };
}

export interface BoostStepInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
  /** Index in `net.order` of the modality whose learner this stage trains. */
  modality: number;
  lambda: number;
  /** False applies the optimizer as tf ops. */
  fastPath?: boolean;
}

export interface BoostStepTotals extends JointStepTotals {
  /** Σ of the reconcilement weights over the rows that have the boosted modality. */
  weightSum: tf.Scalar;
}

/**
 * One boosting step: the rest of the ensemble in eval mode gives the weights; the boosted modality's encoder
 * (dropout on, the batch's seed) and the head step on the reconcilement loss. The figures are every learner's
 * read-out before the update and the fused ensemble (the boosted learner plus the rest).
 */
export function boostStep(net: Network, optimizer: Optimizer, input: BoostStepInput): BoostStepTotals {
  const host = input.fastPath === false ? null : tensorHost();
  const rows = input.y.shape[0];
  const m = input.modality;
  const name = net.order[m];
  const variables = [
    ...net.encoder(name).trainable.map((v) => v.variable),
    net.head.kernel.variable,
    net.head.bias.variable,
  ];
  return tf.tidy(() => {
    const presence = input.masks.map(
      (mask) => (mask ? mask.reshape([rows]) : tf.ones([rows])) as tf.Tensor1D,
    );
    const evalCtx = { training: false, seed: 0 };
    const others = net.order.map((other, k) => {
      if (k === m) return null;
      const f = net.encoder(other).apply(input.xs[k], evalCtx);
      const mask = input.masks[k];
      return headSliceLogits(net, k, mask ? (f.mul(mask) as tf.Tensor2D) : f);
    });
    const restList = others.filter((z): z is tf.Tensor2D => z !== null);
    const rest = restList.length > 0 ? (tf.addN(restList) as tf.Tensor2D) : null;
    const weights = reconcileWeights(rest, input.y, input.lambda);
    // The rest of the head's kernel, as it was: zero gradients would still move it by the optimizer's momentum.
    const d = net.featureDim;
    const kernel = net.head.kernel.variable;
    const M = net.order.length;
    const before: tf.Tensor | null = m > 0 ? kernel.slice([0, 0], [m * d, -1]) : null;
    const after: tf.Tensor | null = m < M - 1 ? kernel.slice([(m + 1) * d, 0], [-1, -1]) : null;
    let own: tf.Tensor2D | null = null;
    const { grads } = tf.variableGrads(() => {
      const f = net.encoder(name).apply(input.xs[m], { training: true, seed: input.seed });
      const mask = input.masks[m];
      const z = headSliceLogits(net, m, mask ? (f.mul(mask) as tf.Tensor2D) : f);
      own = tf.keep(z);
      return reconcileLoss(z, input.y, weights, presence[m]);
    }, variables);
    applyUpdates(
      optimizer,
      host,
      variables.map((variable) => ({ variable, grad: grads[variable.name] })),
      input.lr,
    );
    const parts: (tf.Tensor | null)[] = [before, kernel.slice([m * d, 0], [d, -1]), after];
    kernel.assign(
      tf.concat(
        parts.filter((t): t is tf.Tensor => t !== null),
        0,
      ),
    );
    const fused = rest ? (tf.add(own!, rest) as tf.Tensor2D) : own!;
    const all = tf.ones([rows]) as tf.Tensor1D;
    const fusedSums = rowFigures(fused, input.y, all);
    const unimodal = net.order.map((_, k) => rowFigures(k === m ? own! : others[k]!, input.y, presence[k]));
    const weightSum = tf.keep(tf.sum(tf.mul(weights, presence[m])) as tf.Scalar);
    tf.dispose(own!);
    return { ...fusedSums, rows, unimodal, weightSum };
  });
}

const WEIGHT_SUM_TENSOR = 'reconboost/weight-sum';
const WEIGHT_ROWS_TENSOR = 'reconboost/weight-rows';

/**
 * The epoch's mean reconcilement weight, summed on the device and read once per epoch; a mid-epoch
 * checkpoint carries the sum so far so that a resumed run records the same mean.
 */
class WeightMean {
  private sum: tf.Scalar | null = null;
  private rows = 0;

  add(weightSum: tf.Scalar, rows: number): void {
    const old = this.sum;
    this.sum = old ? (tf.add(old, weightSum) as tf.Scalar) : tf.clone(weightSum);
    tf.dispose([old, weightSum].filter((t): t is tf.Scalar => t !== null));
    this.rows += rows;
  }

  async take(): Promise<number | null> {
    const out = this.sum && this.rows > 0 ? (await this.sum.data())[0] / this.rows : null;
    this.dispose();
    return out;
  }

  async read(): Promise<NamedTensor[]> {
    if (!this.sum) return [];
    return [
      { name: WEIGHT_SUM_TENSOR, shape: [1], values: Float32Array.from(await this.sum.data()) },
      { name: WEIGHT_ROWS_TENSOR, shape: [1], values: Float32Array.of(this.rows) },
    ];
  }

  load(tensors: Map<string, NamedTensor>, where: string): void {
    this.dispose();
    const sum = tensors.get(WEIGHT_SUM_TENSOR);
    const rows = tensors.get(WEIGHT_ROWS_TENSOR);
    if (!sum && !rows) return;
    if (!sum || !rows || sum.values.length !== 1 || rows.values.length !== 1) {
      throw new Error(`${where}: the ReconBoost weight sums are incomplete (expected one value per tensor)`);
    }
    this.sum = tf.scalar(sum.values[0]);
    this.rows = rows.values[0];
  }

  dispose(): void {
    this.sum?.dispose();
    this.sum = null;
    this.rows = 0;
  }
}

class ReconboostTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];
  private readonly options: ReconboostConfig;
  private readonly weights = new WeightMean();
  private phase: ReconPhase | null = null;

  constructor(private readonly setup: MethodSetup) {
    this.totalsKeys = [...setup.data.modalities.map((m) => m.name), FUSED_TOTALS_KEY];
    this.options = setup.config.reconboost;
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const { data, net, optimizer, gatherers } = this.setup;
    const { rows } = batch;
    const phase = reconPhase(batch.epoch, net.order.length, this.options);
    this.phase = phase;
    const present = data.modalities.map((m) => (m.hasMissing ? countPresent(m.present, rows) : rows.length));
    const xs = gatherers.map((g) => g.gather(rows));
    const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, rows) : null));
    const y = labelTensor(data.labels, rows, data.classes.length);
    let t: JointStepTotals;
    if (phase.kind === 'boost') {
      const boost = boostStep(net, optimizer, {
        xs,
        masks,
        y,
        lr: batch.lr,
        seed: batch.seed,
        modality: phase.modality,
        lambda: this.options.lambda,
      });
      this.weights.add(boost.weightSum, present[phase.modality]);
      t = boost;
    } else {
      // Joint training's step on the fused loss, with the learners' read-outs as this method defines them.
      const step = ogmStep(net, optimizer, {
        xs,
        masks,
        y,
        lr: batch.lr,
        seed: batch.seed,
        alpha: 0,
        modulate: false,
        noise: false,
      });
      tf.dispose([step.rho, step.k]);
      t = step;
    }
    tf.dispose([...xs, y, ...masks.filter((mk): mk is tf.Tensor2D => mk !== null)]);
    return fusedStepFigures(
      t,
      data.modalities.map((m) => m.name),
      present,
    );
  }

  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
    return fusedTrainRecord(means, order);
  }

  async diagnostics(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const phase = this.phase;
    const mean = await this.weights.take();
    if (!phase) return out;
    out['reconboost/stage'] = phase.stage + 1;
    out['reconboost/rectify'] = phase.kind === 'rectify' ? 1 : 0;
    this.setup.net.order.forEach((m, i) => {
      out[`reconboost/boosted/${m}`] = phase.kind === 'boost' && phase.modality === i ? 1 : 0;
    });
    if (mean !== null) out['reconboost/weight'] = mean;
    return out;
  }

  async snapshot(): Promise<MethodSnapshot> {
    return { tensors: await this.weights.read(), hgm: null };
  }

  restore(checkpoint: Checkpoint, tensors: Map<string, NamedTensor>): void {
    this.weights.load(tensors, checkpoint.dir);
  }

  dispose(): void {
    this.weights.dispose();
  }
}

export const reconboost: TrainingMethod = {
  name: 'reconboost',
  ...concatHeadPrediction,
  trainer: (setup) => new ReconboostTrainer(setup),
};
