import * as tf from '@tensorflow/tfjs';
import { LAYER_NORM } from '../../backend/kernels/layer-norm';
import { filled } from '../init';
import type { ParamScope } from '../params';

const LN_EPSILON = 1e-5;

/** LayerNorm over the last axis (PyTorch's `nn.LayerNorm(dim)`: eps 1e-5, biased variance). */
export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(scope: ParamScope, dim: number) {
    this.gamma = scope.trainableVar('gamma', [dim], filled(dim, 1));
    this.beta = scope.trainableVar('beta', [dim], filled(dim, 0));
  }

  /** One fused kernel forward and one backward where the backend has them (wasm), else stock ops. */
  apply<T extends tf.Tensor>(x: T): T {
    if (x.dtype === 'float32' && tf.getKernel(LAYER_NORM, tf.getBackend())) {
      const inputs = { x, gamma: this.gamma, beta: this.beta };
      return tf.engine().runKernel(LAYER_NORM, inputs, { epsilon: LN_EPSILON }) as T;
    }
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPSILON)));
    return tf.add(tf.mul(normed, this.gamma), this.beta) as T;
  }
}
