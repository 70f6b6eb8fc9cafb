// MLP encoder: flatten; per hidden width Linear → activation → Dropout; then Linear(featureDim) → ReLU.
import * as tf from '@tensorflow/tfjs';
import type { Activation, MlpEncoderConfig } from '../config/types';
import type { Rng } from '../util/random';
import { type Dropout, DropoutFactory } from './layers/dropout';
import { Linear } from './layers/linear';
import { hashLabel } from './layers/seeds';
import { ParamScope } from './params';
import { EncoderBase, expectSampleShape, FeatureProjection } from './projection';
import type { Encoder, ForwardContext } from './types';

export interface MlpLayout {
  inputSize: number;
  activation: Activation;
  hidden: { linear: Linear; dropout: Dropout }[];
  projection: Linear;
}

export class MlpEncoder extends EncoderBase implements Encoder {
  private readonly hidden: { linear: Linear; dropout: Dropout }[] = [];
  private readonly projection: FeatureProjection;
  private readonly inputSize: number;

  constructor(
    modality: string,
    private readonly sampleShape: readonly number[],
    private readonly cfg: MlpEncoderConfig,
    featureDim: number,
    rng: Rng,
  ) {
    const scope = ParamScope.root(modality, rng);
    super(modality, featureDim, scope);
    const dropouts = new DropoutFactory(hashLabel(modality));
    this.inputSize = sampleShape.reduce((a, b) => a * b, 1);
    let width = this.inputSize;
    cfg.hidden.forEach((next, i) => {
      this.hidden.push({
        linear: new Linear(scope.child(`dense${i}`), width, next),
        dropout: dropouts.make(cfg.dropout),
      });
      width = next;
    });
    this.projection = new FeatureProjection(scope.child('proj'), width, featureDim);
  }

  /**
   * The layers in order, for the fast-path training step (src/core/train/fast): hidden Linear layers with their
   * dropout, then the feature projection (Linear → ReLU, no dropout).
   */
  get layout(): MlpLayout {
    return {
      inputSize: this.inputSize,
      activation: this.cfg.activation,
      hidden: this.hidden.map(({ linear, dropout }) => ({ linear, dropout })),
      projection: this.projection.linear,
    };
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor2D {
    expectSampleShape(this.modality, x, this.sampleShape);
    let h = tf.reshape(x, [x.shape[0], this.inputSize]) as tf.Tensor2D;
    for (const { linear, dropout } of this.hidden) {
      h = dropout.apply(linear.apply(h, this.cfg.activation), ctx) as tf.Tensor2D;
    }
    return this.projection.apply(h);
  }
}
