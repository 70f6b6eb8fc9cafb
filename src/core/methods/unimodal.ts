// The unimodal baseline (docs/algorithm.md, unimodal): each modality's encoder with a head of its own, trained
// on its own loss alone; the fused prediction averages their probabilities. The reference point of "no
// interaction": whatever a method gains over it comes from the modalities learning together.
//
// The network's one head holds every modality's head side by side: kernel [featureDim, M·C], bias [M·C], and
// modality m owns the columns m·C … (m+1)·C − 1. No parameter is shared, so the one step on the summed losses
// below moves each modality's parameters by its own gradient only: the same as training each alone on the
// same batches (every optimizer here is element-wise).

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import { labelTensor, presentRows } from '../train/batches';
import { fastUnimodalApplies, fastUnimodalMlpStep } from '../train/fast/unimodal-mlp-step';
import { countCorrect, softmaxCrossEntropy } from '../train/loss';
import type { Network } from '../train/network';
import { applyUpdates } from './apply-updates';
import { unimodalMeans } from './means';
import { MODALITY_SEED_STRIDE } from './mla';
import type {
  EpochMeans,
  MethodSetup,
  MethodSnapshot,
  MethodTrainer,
  StepFigure,
  StepTotals,
  TrainBatch,
  TrainingMethod,
} from './types';

/** Modality `index`'s own logits: its block of the head's columns. */
export function ownHeadLogits(net: Network, index: number, features: tf.Tensor2D): tf.Tensor2D {
  const C = net.classes;
  return net.head.apply(features).slice([0, index * C], [-1, C]);
}

/**
 * The log of the mean, over the modalities a row has, of their softmax probabilities: its softmax is that mean
 * (it sums to 1), so the fused prediction and its cross-entropy are those of the averaged probabilities.
 * `masks[m]` is modality m's presence column, null where every row has it.
 */
export function meanProbabilityLogits(logits: tf.Tensor2D[], masks: (tf.Tensor2D | null)[]): tf.Tensor2D {
  return tf.tidy(() => {
    let sum: tf.Tensor2D | null = null;
    let count: tf.Tensor | null = null;
    logits.forEach((z, m) => {
      const p = tf.softmax(z);
      const mask = masks[m];
      const weighted = mask ? tf.mul(p, mask) : p;
      const present = mask ?? tf.onesLike(z.slice([0, 0], [-1, 1]));
      sum = sum ? (tf.add(sum, weighted) as tf.Tensor2D) : (weighted as tf.Tensor2D);
      count = count ? tf.add(count, present) : present;
    });
    return tf.log(tf.div(sum!, count!)) as tf.Tensor2D;
  });
}

export interface UnimodalStepInput {
  /** The modalities with rows in this batch, in `net.order`: each its own rows' samples and one-hot labels. */
  inputs: { index: number; x: tf.Tensor; y: tf.Tensor2D }[];
  lr: number;
  /** The batch's dropout seed; modality m draws from its own offset of it. */
  seed: number;
  /** False forces autodiff and the optimizer's tf ops (tests compare the two). Default true. */
  fastPath?: boolean;
}

/** Modality `index`'s dropout seed in a batch of seed `seed`. */
function modalitySeed(seed: number, index: number): number {
  return (seed + index * MODALITY_SEED_STRIDE) >>> 0;
}

/**
 * One step of every given modality on its own loss, summed: the encoders that have rows and the head. All-MLP
 * networks on the wasm and cpu backends take the fast path (fast/unimodal-mlp-step.ts).
 */
export function unimodalStep(net: Network, optimizer: Optimizer, input: UnimodalStepInput): StepTotals[] {
  const { inputs } = input;
  if (inputs.length === 0) return [];
  const host = input.fastPath === false ? null : tensorHost();
  if (host && fastUnimodalApplies(net, input)) {
    return fastUnimodalMlpStep(host, net, optimizer, input, (index) => modalitySeed(input.seed, index));
  }
  const variables = [
    ...inputs.flatMap((e) => net.encoder(net.order[e.index]).trainable.map((v) => v.variable)),
    net.head.kernel.variable,
    net.head.bias.variable,
  ];
  const sums = tf.tidy(() => {
    const logits: tf.Tensor2D[] = [];
    const losses: tf.Scalar[] = [];
    const { grads } = tf.variableGrads(() => {
      let total: tf.Scalar | null = null;
      for (const e of inputs) {
        const ctx = { training: true, seed: modalitySeed(input.seed, e.index) };
        const z = ownHeadLogits(net, e.index, net.encoder(net.order[e.index]).apply(e.x, ctx));
        const loss = softmaxCrossEntropy(z, e.y);
        logits.push(tf.keep(z));
        losses.push(tf.keep(loss));
        total = total ? (tf.add(total, loss) as tf.Scalar) : loss;
      }
      return total!;
    }, variables);
    applyUpdates(
      optimizer,
      host,
      variables.map((variable) => ({ variable, grad: grads[variable.name] })),
      input.lr,
    );
    const out = inputs.map((e, i) => ({
      lossSum: tf.keep(losses[i].mul(e.x.shape[0]) as tf.Scalar),
      correct: tf.keep(countCorrect(logits[i], e.y)),
    }));
    tf.dispose([...logits, ...losses]);
    return out;
  });
  return inputs.map((e, i): StepTotals => ({ ...sums[i], rows: e.x.shape[0] }));
}

class UnimodalTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];

  constructor(private readonly setup: MethodSetup) {
    this.totalsKeys = setup.data.modalities.map((m) => m.name);
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const { data, net, optimizer, gatherers } = this.setup;
    const C = data.classes.length;
    const selected = data.modalities
      .map((m, index) => ({ name: m.name, index, sel: presentRows(batch.rows, m.present, !m.hasMissing) }))
      .filter((e) => e.sel.length > 0);
    const inputs = selected.map((e) => ({
      index: e.index,
      x: gatherers[e.index].gather(e.sel),
      y: labelTensor(data.labels, e.sel, C),
    }));
    const totals = unimodalStep(net, optimizer, { inputs, lr: batch.lr, seed: batch.seed });
    tf.dispose(inputs.flatMap((e) => [e.x, e.y]));
    return totals.map((t, i): StepFigure => ({ key: selected[i].name, ...t }));
  }

  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
    return { ...unimodalMeans(means, order), fusedLoss: null, fusedAcc: null };
  }

  snapshot(): Promise<MethodSnapshot> {
    return Promise.resolve({ tensors: [], hgm: null });
  }

  restore(_checkpoint: Checkpoint): void {}

  dispose(): void {}
}

export const unimodal: TrainingMethod = {
  name: 'unimodal',
  headInputs: (featureDim) => featureDim,
  headOutputs: (classes, modalities) => classes * modalities,
  logits(net, xs, masks) {
    const ctx = { training: false, seed: 0 };
    const own = net.order.map((m, i) => ownHeadLogits(net, i, net.encoder(m).apply(xs[i], ctx)));
    return { unimodal: own, fused: meanProbabilityLogits(own, masks) };
  },
  evalHead: {
    zeroAbsent: false,
    unimodal: (index) => ({ rowBlock: 0, columnBlock: index, biasDivisor: 1 }),
    fused: 'mean-probabilities',
  },
  fusion: () => ({ type: 'mean-probabilities', perSample: false }),
  trainer: (setup) => new UnimodalTrainer(setup),
};
