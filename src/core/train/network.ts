// The whole model of a run: one encoder per modality and the head, sized by the method (MLA: shared by every
// modality, featureDim → C; joint training and OGM-GE: the concatenated features, M·featureDim → C; unimodal:
// every modality's own head side by side, featureDim → M·C).
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig, Method } from '../config/types';
import { trainingMethod } from '../methods';
import { buildEncoder, buildHead } from '../model/build';
import type { Encoder, ForwardContext, LinearHead, NamedVariable } from '../model/types';
import { Rng } from '../util/random';
import type { PreparedModality } from './prepare';

export class Network {
  private constructor(
    readonly method: Method,
    readonly order: string[],
    readonly featureDim: number,
    readonly classes: number,
    readonly encoders: Map<string, Encoder>,
    readonly head: LinearHead,
  ) {}

  static build(
    config: ResolvedConfig,
    modalities: PreparedModality[],
    classes: number,
    seed: number,
  ): Network {
    // One init stream for the whole model, in a fixed order, so MLA and joint runs of a seed start their
    // encoders from the same weights.
    const rng = Rng.fromSeed(seed, 'init');
    const d = config.model.featureDim;
    const encoders = new Map<string, Encoder>();
    for (const m of modalities) {
      encoders.set(m.name, buildEncoder(m.name, m.sampleShape, config.model.encoders[m.name], d, rng));
    }
    const method = trainingMethod(config.method);
    const headInput = method.headInputs(d, modalities.length);
    const headOutput = method.headOutputs?.(classes, modalities.length) ?? classes;
    const head = buildHead(headInput, headOutput, rng, 'head');
    const order = modalities.map((m) => m.name);
    return new Network(config.method, order, d, classes, encoders, head);
  }

  encoder(modality: string): Encoder {
    return this.encoders.get(modality)!;
  }

  /** Every variable a checkpoint must hold (trainable and BatchNorm statistics), with stable names. */
  namedVariables(): NamedVariable[] {
    const out: NamedVariable[] = [];
    for (const m of this.order) {
      const e = this.encoder(m);
      out.push(...e.trainable, ...e.state);
    }
    out.push(this.head.kernel, this.head.bias);
    return out;
  }

  trainableVariables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const m of this.order) out.push(...this.encoder(m).trainable.map((v) => v.variable));
    out.push(this.head.kernel.variable, this.head.bias.variable);
    return out;
  }

  /** Joint training: features of absent samples are zeroed, then concatenated in `order`. */
  jointFeatures(inputs: tf.Tensor[], masks: (tf.Tensor2D | null)[], ctx: ForwardContext): tf.Tensor2D[] {
    return this.order.map((m, i) => {
      const f = this.encoder(m).apply(inputs[i], ctx);
      const mask = masks[i];
      return mask ? (f.mul(mask) as tf.Tensor2D) : f;
    });
  }

  /**
   * The joint head's read-out for one modality alone: that modality's slice of the kernel plus half the
   * bias, as the reference code reports unimodal accuracy of a jointly trained model.
   */
  jointUnimodalLogits(modalityIndex: number, features: tf.Tensor2D): tf.Tensor2D {
    const d = this.featureDim;
    const kernel = this.head.kernel.variable as tf.Tensor2D;
    const slice = kernel.slice([modalityIndex * d, 0], [d, this.classes]);
    return features.matMul(slice).add(this.head.bias.variable.div(2)) as tf.Tensor2D;
  }

  dispose(): void {
    for (const v of this.namedVariables()) v.variable.dispose();
  }
}
