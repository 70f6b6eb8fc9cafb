// Shared pieces of every encoder: the final Linear(featureDim) → ReLU (non-negative features, like the
// PyTorch peer) and the bookkeeping the Encoder interface asks for.
import * as tf from '@tensorflow/tfjs';
import { Linear } from './layers/linear';
import { disposeAll, type ParamScope } from './params';
import type { NamedVariable } from './types';

export class FeatureProjection {
  readonly linear: Linear;

  constructor(scope: ParamScope, inDim: number, featureDim: number) {
    this.linear = new Linear(scope, inDim, featureDim);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.linear.apply(x, 'relu') as tf.Tensor2D;
  }
}

export abstract class EncoderBase {
  readonly trainable: NamedVariable[];
  readonly state: NamedVariable[];

  protected constructor(
    readonly modality: string,
    readonly featureDim: number,
    scope: ParamScope,
  ) {
    this.trainable = scope.trainable;
    this.state = scope.state;
  }

  dispose(): void {
    disposeAll(this.trainable);
    disposeAll(this.state);
  }
}

/** Checks the batch's sample shape against the one the encoder was built for, naming the modality. */
export function expectSampleShape(modality: string, x: tf.Tensor, sampleShape: readonly number[]): void {
  const got = x.shape.slice(1);
  if (got.length !== sampleShape.length || got.some((d, i) => d !== sampleShape[i])) {
    throw new Error(
      `Encoder '${modality}': expected samples of shape [${sampleShape.join(', ')}], got [${got.join(', ')}].`,
    );
  }
}
