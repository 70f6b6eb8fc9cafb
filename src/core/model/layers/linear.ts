// Linear layer with a [in, out] kernel (the TF layout; HGM projects the head kernel's gradient as P · G).
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../config/types';
import { filled, xavierNormal } from '../init';
import { biasActivate } from './activation';
import type { ParamScope } from '../params';

export class Linear {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    scope: ParamScope,
    readonly inDim: number,
    readonly outDim: number,
  ) {
    this.kernel = scope.trainableVar(
      'kernel',
      [inDim, outDim],
      xavierNormal(scope.rng, inDim * outDim, inDim, outDim),
    );
    this.bias = scope.trainableVar('bias', [outDim], filled(outDim, 0));
  }

  /**
   * x·W + b, then `activation` if given. Any rank ≥ 2: leading axes are folded into one matmul (one large
   * product is faster than a batched one).
   */
  apply(x: tf.Tensor, activation: Activation | null = null): tf.Tensor {
    const affine = (flat: tf.Tensor2D) =>
      biasActivate(tf.matMul(flat, this.kernel as tf.Tensor2D), this.bias, activation);
    if (x.rank === 2) return affine(x as tf.Tensor2D);
    const lead = x.shape.slice(0, -1);
    const y = affine(tf.reshape(x, [-1, this.inDim]) as tf.Tensor2D);
    return tf.reshape(y, [...lead, this.outDim]);
  }
}
