import * as tf from '@tensorflow/tfjs';
import { BIAS_RELU } from '../../backend/kernels/bias-relu';
import { GELU } from '../../backend/kernels/gelu';
import type { Activation } from '../../config/types';

const SQRT1_2 = Math.SQRT1_2;

/**
 * Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's default `nn.GELU()`: one fused kernel forward and one
 * backward where the backend has them (wasm), else composed of stock ops.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  if (x.dtype === 'float32' && tf.getKernel(GELU, tf.getBackend())) {
    return tf.engine().runKernel(GELU, { x }) as T;
  }
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2)))) as T;
}

export function activate<T extends tf.Tensor>(x: T, kind: Activation): T {
  switch (kind) {
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      return gelu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
  }
}

/** activate(y + bias) over y's last axis; ReLU and the add are one fused kernel where the backend has it. */
export function biasActivate<T extends tf.Tensor>(y: T, bias: tf.Tensor, kind: Activation | null): T {
  if (kind === 'relu' && y.dtype === 'float32' && tf.getKernel(BIAS_RELU, tf.getBackend())) {
    return tf.engine().runKernel(BIAS_RELU, { x: y, bias }) as T;
  }
  const z = tf.add(y, bias) as T;
  return kind ? activate(z, kind) : z;
}
