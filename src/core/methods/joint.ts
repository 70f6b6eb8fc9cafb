// The joint baseline (docs/algorithm.md, decisions): every encoder's features, zeroed where the sample lacks the
// modality, concatenated into one head trained on the fused loss. Its unimodal figures are read-outs of that
// head: the modality's slice of the kernel plus half the bias, as the reference code reports them. It exists
// to show modality laziness.

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import { labelTensor } from '../train/batches';
import { fastJointApplies, fastJointMlpStep } from '../train/fast/joint-mlp-step';
import { countCorrect, softmaxCrossEntropy } from '../train/loss';
import type { Network } from '../train/network';
import { applyUpdates } from './apply-updates';
import { fusedStepFigures, fusedTrainRecord } from './means';
import { countPresent, presenceColumn } from './presence';
import {
  FUSED_TOTALS_KEY,
  type EpochMeans,
  type MethodSetup,
  type MethodSnapshot,
  type MethodTrainer,
  type StepFigure,
  type StepSums,
  type StepTotals,
  type TrainBatch,
  type TrainingMethod,
} from './types';

export interface JointStepInput {
  xs: tf.Tensor[];
  masks: (tf.Tensor2D | null)[];
  y: tf.Tensor2D;
  lr: number;
  seed: number;
  /** False forces autodiff and the optimizer's tf ops (tests compare the two). Default true. */
  fastPath?: boolean;
}

export interface JointStepTotals extends StepTotals {
  /** Per modality, in `net.order`: the unimodal read-out's loss × rows and correct count on this batch. */
  unimodal: StepSums[];
}

/**
 * Joint baseline: every encoder and the concatenation head take one step on the fused loss. All-MLP networks
 * on the wasm and cpu backends take the fast path (fast/joint-mlp-step.ts).
 */
export function jointStep(net: Network, optimizer: Optimizer, input: JointStepInput): JointStepTotals {
  const host = input.fastPath === false ? null : tensorHost();
  if (host && fastJointApplies(net, input.xs)) return fastJointMlpStep(host, net, optimizer, input);
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
    // The read-out uses the head before this step's update, like the joint logits above.
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

class JointTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];

  constructor(private readonly setup: MethodSetup) {
    this.totalsKeys = [...setup.data.modalities.map((m) => m.name), FUSED_TOTALS_KEY];
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const { data, net, optimizer, gatherers } = this.setup;
    const { rows } = batch;
    const xs = gatherers.map((g) => g.gather(rows));
    const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, rows) : null));
    const y = labelTensor(data.labels, rows, data.classes.length);
    const t = jointStep(net, optimizer, { xs, masks, y, lr: batch.lr, seed: batch.seed });
    tf.dispose([...xs, y, ...masks.filter((mk): mk is tf.Tensor2D => mk !== null)]);
    const present = data.modalities.map((m) => (m.hasMissing ? countPresent(m.present, rows) : rows.length));
    return fusedStepFigures(
      t,
      data.modalities.map((m) => m.name),
      present,
    );
  }

  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
    return fusedTrainRecord(means, order);
  }

  snapshot(): Promise<MethodSnapshot> {
    return Promise.resolve({ tensors: [], hgm: null });
  }

  restore(_checkpoint: Checkpoint): void {}

  dispose(): void {}
}

export const joint: TrainingMethod = {
  name: 'joint',
  headInputs: (featureDim, modalities) => featureDim * modalities,
  logits(net, xs, masks) {
    const ctx = { training: false, seed: 0 };
    const feats = net.jointFeatures(xs, masks, ctx);
    return {
      unimodal: feats.map((f, i) => net.jointUnimodalLogits(i, f)),
      fused: net.head.apply(tf.concat(feats, 1)),
    };
  },
  evalHead: {
    zeroAbsent: true,
    unimodal: (index) => ({ rowBlock: index, columnBlock: 0, biasDivisor: 2 }),
    fused: 'concat',
  },
  fusion: () => ({ type: 'concat-head', perSample: false }),
  trainer: (setup) => new JointTrainer(setup),
};
