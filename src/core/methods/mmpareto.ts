// MMPareto (Wei & Hu, ICML 2024; docs/algorithm.md, MMPareto): the joint network (concatenated features, one
// head) trained on the fused loss plus one unimodal loss per modality. A modality's unimodal head is its slice
// of the shared head's kernel plus 1/M of the bias (as OGM-GE reads them out), so the network, its checkpoints
// and its evaluation are joint training's; the head takes the gradient of the summed losses. Each encoder has
// two gradients, the fused loss's g_f and its own unimodal loss's g_u: where their cosine is > 0 they are
// weighted 0.5/0.5, else by the two-vector min-norm (Pareto) weights; the combination is rescaled to at least
// the norm of g_f + g_u and multiplied by γ, since the min-norm point alone is shorter than either gradient.

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint, NamedTensor } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import { labelTensor } from '../train/batches';
import { countCorrect, softmaxCrossEntropy } from '../train/loss';
import type { Network } from '../train/network';
import { applyUpdates } from './apply-updates';
import { type JointStepTotals } from './joint';
import { fusedStepFigures, fusedTrainRecord } from './means';
import { concatHeadPrediction, headSliceLogits } from './concat-head';
import { EpochSums } from './epoch-sums';
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

/** One encoder's two gradients combined, and what the rule saw. */
export interface ParetoCombination {
  /** One per tensor of `fused` / `unimodal`, same shapes. */
  grads: tf.Tensor[];
  /** Cosine of the two gradients (0 where either is zero). */
  cosine: tf.Scalar;
  /** Weight of the fused gradient (the unimodal one's is 1 − it). */
  fusedWeight: tf.Scalar;
}

function dotAll(a: tf.Tensor[], b: tf.Tensor[]): tf.Scalar {
  return tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i])))) as tf.Scalar;
}

/**
 * MMPareto's rule on one encoder's gradients, flattened over its tensors: w = 0.5 where cos(g_f, g_u) > 0,
 * else the min-norm point of the segment, w = clip(((g_u − g_f)·g_u) / ‖g_f − g_u‖², 0, 1); then
 * d = w·g_f + (1 − w)·g_u scaled by γ·max(1, ‖g_f + g_u‖ / ‖d‖).
 */
export function paretoCombine(fused: tf.Tensor[], unimodal: tf.Tensor[], gamma: number): ParetoCombination {
  return tf.tidy(() => {
    const ff = dotAll(fused, fused);
    const uu = dotAll(unimodal, unimodal);
    const fu = dotAll(fused, unimodal);
    const normProduct = tf.sqrt(tf.mul(ff, uu));
    const positive = tf.greater(normProduct, 0);
    const cosine = tf.where(
      positive,
      tf.div(fu, tf.where(positive, normProduct, tf.onesLike(normProduct))),
      0,
    );
    const gap = tf.sub(tf.add(ff, uu), tf.mul(2, fu)); // ‖g_f − g_u‖²
    const hasGap = tf.greater(gap, 0);
    const minNorm = tf.clipByValue(tf.div(tf.sub(uu, fu), tf.where(hasGap, gap, tf.onesLike(gap))), 0, 1);
    const pareto = tf.where(hasGap, minNorm, tf.scalar(0.5));
    const w = tf.where(tf.greater(cosine, 0), tf.scalar(0.5), pareto) as tf.Scalar;
    const v = tf.sub(1, w);
    // ‖d‖² and ‖g_f + g_u‖² from the three dot products, without materialising either vector twice.
    const dd = tf.addN([
      tf.mul(tf.square(w), ff),
      tf.mul(tf.mul(2, tf.mul(w, v)), fu),
      tf.mul(tf.square(v), uu),
    ]);
    const ss = tf.add(tf.add(ff, uu), tf.mul(2, fu));
    const hasD = tf.greater(dd, 0);
    const ratio = tf.sqrt(tf.div(ss, tf.where(hasD, dd, tf.onesLike(dd))));
    const scale = tf.mul(gamma, tf.where(hasD, tf.maximum(ratio, 1), tf.scalar(1)));
    const grads = fused.map((g, i) => tf.mul(scale, tf.add(tf.mul(w, g), tf.mul(v, unimodal[i]))));
    return { grads, cosine: cosine as tf.Scalar, fusedWeight: w };
  });
}

export interface MmparetoStepInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
  gamma: number;
  /** Rows of the batch that have each modality, in `net.order`: one without any trains on the fused loss alone. */
  present: number[];
  /** False applies the optimizer as tf ops. */
  fastPath?: boolean;
}

export interface MmparetoStepTotals extends JointStepTotals {
  /** `[M]` in `net.order`: this batch's cosine and whether it was ≤ 0 (1) or not (0), 0 where not combined. */
  cosine: tf.Tensor1D;
  conflict: tf.Tensor1D;
}

/** Mean over the rows with weight 1 of the rows' cross-entropy (0 where no row has weight). */
function weightedCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, weight: tf.Tensor1D): tf.Scalar {
  const rowLoss = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  return tf.div(tf.sum(tf.mul(rowLoss, weight)), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
}

/** One MMPareto step. The two forward passes share the batch's seed, so they draw the same dropout masks. */
export function mmparetoStep(
  net: Network,
  optimizer: Optimizer,
  input: MmparetoStepInput,
): MmparetoStepTotals {
  const host = input.fastPath === false ? null : tensorHost();
  const variables = net.trainableVariables();
  const rows = input.y.shape[0];
  const ctx = { training: true, seed: input.seed };
  return tf.tidy(() => {
    const weights = input.masks.map((mask) => (mask ? mask.reshape([rows]) : tf.ones([rows])) as tf.Tensor1D);
    let logits: tf.Tensor2D | null = null;
    const fused = tf.variableGrads(() => {
      const z = net.head.apply(tf.concat(net.jointFeatures(input.xs, input.masks, ctx), 1));
      logits = tf.keep(z);
      return softmaxCrossEntropy(z, input.y);
    }, variables);
    const trained = net.order.map((_, i) => input.present[i] > 0);
    let readOuts: tf.Tensor2D[] = [];
    const own = trained.some(Boolean)
      ? tf.variableGrads(() => {
          const fs = net.jointFeatures(input.xs, input.masks, ctx);
          const zs = fs.map((f, i) => headSliceLogits(net, i, f));
          readOuts = zs.map((z) => tf.keep(z));
          const losses = zs.map((z, i) => weightedCrossEntropy(z, input.y, weights[i]));
          return tf.addN(losses.filter((_, i) => trained[i])) as tf.Scalar;
        }, variables).grads
      : {};
    const grads = new Map(variables.map((v) => [v.name, fused.grads[v.name]]));
    for (const v of [net.head.kernel.variable, net.head.bias.variable]) {
      const u = own[v.name];
      if (u) grads.set(v.name, tf.add(grads.get(v.name)!, u));
    }
    const cosines: tf.Scalar[] = [];
    const conflicts: tf.Scalar[] = [];
    net.order.forEach((m, i) => {
      const names = net.encoder(m).trainable.map((t) => t.variable.name);
      if (!trained[i] || names.some((n) => !own[n])) {
        cosines.push(tf.scalar(0));
        conflicts.push(tf.scalar(0));
        return;
      }
      const c = paretoCombine(
        names.map((n) => fused.grads[n]),
        names.map((n) => own[n]),
        input.gamma,
      );
      names.forEach((n, j) => grads.set(n, c.grads[j]));
      cosines.push(c.cosine);
      conflicts.push(tf.lessEqual(c.cosine, 0).toFloat() as tf.Scalar);
    });
    applyUpdates(
      optimizer,
      host,
      variables.map((variable) => ({ variable, grad: grads.get(variable.name)! })),
      input.lr,
    );
    // No modality in the batch had a row for the second pass: its read-outs are the first pass's shape, zero.
    const unimodal = net.order.map((_, i) => {
      const z = readOuts[i] ?? tf.zerosLike(logits!);
      const rowLoss = tf.neg(tf.sum(tf.mul(input.y, tf.logSoftmax(z)), 1));
      const hit = tf.equal(tf.argMax(z, 1), tf.argMax(input.y, 1)).toFloat();
      return {
        lossSum: tf.keep(tf.sum(tf.mul(rowLoss, weights[i])) as tf.Scalar),
        correct: tf.keep(tf.sum(tf.mul(hit, weights[i])) as tf.Scalar),
      };
    });
    const lossSum = tf.keep(fused.value.mul(rows) as tf.Scalar);
    const correct = tf.keep(countCorrect(logits!, input.y));
    const cosine = tf.keep(tf.stack(cosines) as tf.Tensor1D);
    const conflict = tf.keep(tf.stack(conflicts) as tf.Tensor1D);
    tf.dispose([...readOuts, logits!]);
    return { lossSum, correct, rows, unimodal, cosine, conflict };
  });
}

/** The conflict rate and mean cosine per modality, over the batches that combined its gradients. */
const CONFLICT_SUMS = {
  prefix: 'mmpareto',
  series: [
    { name: 'conflict', tensor: 'mmpareto/conflict-sum' },
    { name: 'cosine', tensor: 'mmpareto/cosine-sum' },
  ],
  countTensor: 'mmpareto/batches',
  perModalityCount: true,
  what: 'MMPareto conflict sums',
} as const;

class MmparetoTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];
  private readonly means = new EpochSums(CONFLICT_SUMS);

  constructor(private readonly setup: MethodSetup) {
    this.totalsKeys = [...setup.data.modalities.map((m) => m.name), FUSED_TOTALS_KEY];
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const { data, net, optimizer, gatherers } = this.setup;
    const { rows } = batch;
    const present = data.modalities.map((m) => (m.hasMissing ? countPresent(m.present, rows) : rows.length));
    const xs = gatherers.map((g) => g.gather(rows));
    const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, rows) : null));
    const y = labelTensor(data.labels, rows, data.classes.length);
    const t = mmparetoStep(net, optimizer, {
      xs,
      masks,
      y,
      lr: batch.lr,
      seed: batch.seed,
      gamma: this.setup.config.mmpareto.gamma,
      present,
    });
    tf.dispose([...xs, y, ...masks.filter((mk): mk is tf.Tensor2D => mk !== null)]);
    this.means.add(
      [t.conflict, t.cosine],
      present.map((p) => p > 0),
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
    return this.means.take(this.setup.net.order);
  }

  async snapshot(): Promise<MethodSnapshot> {
    return { tensors: await this.means.read(), hgm: null };
  }

  restore(checkpoint: Checkpoint, tensors: Map<string, NamedTensor>): void {
    this.means.load(tensors, this.setup.net.order.length, checkpoint.dir);
  }

  dispose(): void {
    this.means.dispose();
  }
}

export const mmpareto: TrainingMethod = {
  name: 'mmpareto',
  ...concatHeadPrediction,
  trainer: (setup) => new MmparetoTrainer(setup),
};
