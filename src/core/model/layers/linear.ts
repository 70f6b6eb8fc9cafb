// Linear layer with a [in, out] kernel (the TF layout; HGM projects the head kernel's gradient as P · G).
import * as tf from '@tensorflow/tfjs';
import { filled, xavierNormal } from '../init';
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

  /** Any rank ≥ 2: leading axes are folded into one matmul (one large product is faster than a batched one). */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.rank === 2) return tf.add(tf.matMul(x as tf.Tensor2D, this.kernel as tf.Tensor2D), this.bias);
    const lead = x.shape.slice(0, -1);
    const flat = tf.reshape(x, [-1, this.inDim]) as tf.Tensor2D;
    const y = tf.add(tf.matMul(flat, this.kernel as tf.Tensor2D), this.bias);
    return tf.reshape(y, [...lead, this.outDim]);
  }
}
