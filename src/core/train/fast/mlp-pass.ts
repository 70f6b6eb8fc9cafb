// The pieces of the fast-path steps (mla-, joint-, unimodal-, blend- and ogm-mlp-step.ts): an MLP encoder's
// forward pass and its closed-form backward pass on the backend's buffers, and the softmax cross-entropy with its
// gradient.
//
// Per layer l (input h₀ = x): aₗ = hₗ₋₁·Wₗ + bₗ, hₗ = relu(aₗ)·mₗ (m the scaled dropout mask; none on the
// projection, whose output is the feature f). Backward from δ = ∂loss/∂f: per layer from the top, δ of its
// output (δ of the layer above ·Wᵀ), then δa = δh·m where h > 0 (a > 0 exactly when h > 0 or the mask dropped
// it, and then δh·m is 0 anyway), dW = hₗ₋₁ᵀ·δa, db = Σ δa.

import type * as tf from '@tensorflow/tfjs';
import { reshaped, type Info, type TensorHost } from '../../backend/host';
import { MlpEncoder } from '../../model/mlp';
import type { Encoder } from '../../model/types';

/** Whether the fast-path passes handle this encoder and input: an MLP with ReLU, float32 samples. */
export function mlpPassApplies(encoder: Encoder, x: tf.Tensor): boolean {
  return mlpEncoderApplies(encoder) && x.dtype === 'float32';
}

/** Whether the fast-path passes handle this encoder: an MLP with ReLU. */
export function mlpEncoderApplies(encoder: Encoder): encoder is MlpEncoder {
  return encoder instanceof MlpEncoder && encoder.layout.activation === 'relu';
}

/** Records a buffer the step made, for release at its end. */
export function owner(owned: Info[]): (info: Info) => Info {
  return (info) => {
    owned.push(info);
    return info;
  };
}

interface LayerRecord {
  kernel: tf.Variable;
  bias: tf.Variable;
  /** The layer's input buffer: x for the first layer. */
  input: Info;
  /** relu(a)·m, in place of a. */
  output: Info;
  mask: Info | null;
}

export interface MlpPass {
  layers: LayerRecord[];
  /** [B, featureDim]: the projection's ReLU output. */
  features: Info;
}

/** The encoder's training-mode forward pass (dropout masks of `seed`, as `MlpEncoder.apply`). */
export function mlpForward(
  host: TensorHost,
  encoder: MlpEncoder,
  x: tf.Tensor,
  seed: number,
  own: (info: Info) => Info,
): MlpPass {
  const layout = encoder.layout;
  const B = x.shape[0];
  const ctx = { training: true, seed };
  const layers: LayerRecord[] = [];
  let h: Info = reshaped(x, [B, layout.inputSize]);
  const stack = [
    ...layout.hidden.map(({ linear, dropout }) => ({ linear, dropout })),
    { linear: layout.projection, dropout: null },
  ];
  for (const { linear, dropout } of stack) {
    const a = own(host.matMul(h, linear.kernel, false, false));
    const maskSeed = dropout ? dropout.maskSeed(ctx) : null;
    const mask =
      dropout && maskSeed !== null ? own(host.dropoutMask([B, linear.outDim], dropout.rate, maskSeed)) : null;
    host.biasReluMask(a, linear.bias, mask);
    layers.push({ kernel: linear.kernel, bias: linear.bias, input: h, output: a, mask });
    h = a;
  }
  return { layers, features: h };
}

/** Backward from `delta` = ∂loss/∂features (overwritten); sets every kernel's and bias's gradient in `grads`. */
export function mlpBackward(
  host: TensorHost,
  pass: MlpPass,
  delta: Info,
  grads: Map<tf.Variable, Info>,
  own: (info: Info) => Info,
): void {
  let above: tf.Variable | null = null;
  for (let l = pass.layers.length - 1; l >= 0; l--) {
    const layer = pass.layers[l];
    if (above) delta = own(host.matMul(delta, above, false, true));
    host.reluMaskBackward(delta, layer.output, layer.mask);
    grads.set(layer.kernel, own(host.matMul(layer.input, delta, true, false)));
    grads.set(layer.bias, own(host.columnSums(delta)));
    above = layer.kernel;
  }
}

const f = Math.fround;

/**
 * Adds the head bias to the logits z in place, then per row: the cross-entropy against y, whether the arg-max
 * hits y's, and (if `dz` is given) δz = (softmax(z)·Σy − y)/B, the gradient of the mean loss. Rows count with
 * their weight in `rowWeights` (1 when null) in the sums. With `gradScale`, the loss is one weighted term of a
 * sum (G-Blending's blend): δz = weight·gradScale·(softmax(z)·Σy − y), rows weighted in the gradient too.
 */
export function softmaxCrossEntropyBackward(
  z: Float32Array,
  bias: Float32Array,
  y: Float32Array,
  dz: Float32Array | null,
  C: number,
  rowWeights: Float32Array | null = null,
  gradScale: number | null = null,
): { lossSum: number; correct: number } {
  const rows = z.length / C;
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const at = r * C;
    let max = -Infinity;
    let arg = 0;
    let yArg = 0;
    for (let j = 0; j < C; j++) {
      const v = f(z[at + j] + bias[j]);
      z[at + j] = v;
      if (v > max) {
        max = v;
        arg = j;
      }
      if (y[at + j] > y[at + yArg]) yArg = j;
    }
    let sumExp = 0;
    let ySum = 0;
    for (let j = 0; j < C; j++) {
      sumExp += Math.exp(z[at + j] - max);
      ySum += y[at + j];
    }
    const logSum = Math.log(sumExp);
    const w = rowWeights ? rowWeights[r] : 1;
    const g = gradScale === null ? 0 : w * gradScale;
    for (let j = 0; j < C; j++) {
      const shifted = z[at + j] - max;
      lossSum -= w * y[at + j] * (shifted - logSum);
      if (!dz) continue;
      // The unweighted form divides (not multiplies by 1/B): the tf path's rounding, bit for bit.
      const e = Math.exp(shifted - logSum) * ySum - y[at + j];
      dz[at + j] = gradScale === null ? e / rows : g * e;
    }
    if (arg === yArg) correct += w;
  }
  return { lossSum: f(lossSum), correct };
}

export function addInPlace(target: Float32Array, other: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i] = f(target[i] + other[i]);
}
