// The MLA modality step for the common case, an MLP encoder with ReLU under the linear head, written out:
// forward, closed-form backward and the optimizer update on the backend's buffers (backend/host.ts), with the
// matmuls by the registered BatchMatMul kernel and everything elementwise as JS loops over the same memory.
// It computes what `mlaStep` computes through tf.variableGrads (test/unit/train-fast-path.test.ts compares
// them) without the tape and the ≈80 engine calls per step that cost ≈40 % of an epoch on wasm.
//
// Per layer l (input h₀ = x): aₗ = hₗ₋₁·Wₗ + bₗ, hₗ = relu(aₗ)·mₗ (m the scaled dropout mask; none on the
// projection, whose output is the feature f); logits z = f·K + c. Backward with δz = (softmax(z) − y)/B:
// dK = fᵀ·δz, dc = Σ δz; δ of a layer's output = δ above ·Wᵀ, then δa = δh·m where h > 0 (a > 0 exactly
// when h > 0 or the mask dropped it, and then δh·m is 0 anyway), dW = hₗ₋₁ᵀ·δa, db = Σ δa.

import type * as tf from '@tensorflow/tfjs';
import { reshaped, type Info, type TensorHost } from '../../backend/host';
import type { HgmMode } from '../../config/types';
import { hgmAlpha, type HgmProjector } from '../../mla/hgm';
import { MlpEncoder } from '../../model/mlp';
import type { HostUpdate } from '../../optim/fused';
import type { Optimizer } from '../../optim/optimizer';
import type { Network } from '../network';

export interface FastStepInput {
  modality: string;
  x: tf.Tensor;
  y: tf.Tensor2D;
  lr: number;
  batch: number;
  batches: number;
  seed: number;
  quirkEncoders: string[];
}

export interface FastStepResult {
  /** Loss × rows and correct count of the step, as numbers (read from the logits the step computed). */
  lossSum: number;
  correct: number;
  rows: number;
}

/** Whether `fastMlaMlpStep` handles this modality: an MLP encoder with ReLU and float32 inputs. */
export function fastPathApplies(net: Network, modality: string, x: tf.Tensor): boolean {
  const encoder = net.encoder(modality);
  return encoder instanceof MlpEncoder && encoder.layout.activation === 'relu' && x.dtype === 'float32';
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

export function fastMlaMlpStep(
  host: TensorHost,
  net: Network,
  optimizer: Optimizer,
  hgm: { projector: HgmProjector; mode: HgmMode } | null,
  input: FastStepInput,
): FastStepResult {
  const encoder = net.encoder(input.modality) as MlpEncoder;
  const layout = encoder.layout;
  const B = input.x.shape[0];
  const C = net.classes;
  const headKernel = net.head.kernel.variable;
  const headBias = net.head.bias.variable;
  const owned: Info[] = [];
  const own = (info: Info): Info => {
    owned.push(info);
    return info;
  };
  try {
    // Forward.
    const ctx = { training: true, seed: input.seed };
    const layers: LayerRecord[] = [];
    let h: Info = reshaped(input.x, [B, layout.inputSize]);
    const stack = [
      ...layout.hidden.map(({ linear, dropout }) => ({ linear, dropout })),
      { linear: layout.projection, dropout: null },
    ];
    for (const { linear, dropout } of stack) {
      const a = own(host.matMul(h, linear.kernel, false, false));
      const values = dropout ? dropout.maskFor(B * linear.outDim, ctx) : null;
      const mask = values ? own(host.upload(values, [B, linear.outDim])) : null;
      host.biasReluMask(a, linear.bias, mask);
      layers.push({ kernel: linear.kernel, bias: linear.bias, input: h, output: a, mask });
      h = a;
    }
    const features = h;
    const z = own(host.matMul(features, headKernel, false, false));
    const dz = own(host.output([B, C]));
    const { lossSum, correct } = softmaxCrossEntropyBackward(
      host.view(z),
      host.view(headBias),
      host.view(input.y),
      host.view(dz),
      C,
    );

    // Backward: the head, then the layers from the top.
    let kernelGrad: Info = own(host.matMul(features, dz, true, false));
    const grads = new Map<tf.Variable, Info>();
    grads.set(headBias, own(host.columnSums(dz)));
    let delta = own(host.matMul(dz, headKernel, false, true));
    let above: tf.Variable | null = null;
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      if (above) delta = own(host.matMul(delta, above, false, true));
      host.reluMaskBackward(delta, layer.output, layer.mask);
      grads.set(layer.kernel, own(host.matMul(layer.input, delta, true, false)));
      grads.set(layer.bias, own(host.columnSums(delta)));
      above = layer.kernel;
    }

    if (hgm && hgm.mode !== 'off') {
      const sums = own(host.columnSums(features));
      const r = Float32Array.from(host.view(sums), (v) => v / B);
      if (hgm.projector.advance(r, hgmAlpha(input.batch, input.batches))) {
        const d = hgm.projector.dim;
        const P = own(host.upload(hgm.projector.matrix, [d, d]));
        const projected = own(host.matMul(P, kernelGrad, false, false));
        if (hgm.mode === 'add') addInPlace(host.view(projected), host.view(kernelGrad));
        kernelGrad = projected;
      }
    }
    grads.set(headKernel, kernelGrad);

    // The optimizer sees the parameters in the order of the autodiff path, so its state lists them alike.
    const updates: HostUpdate[] = [];
    for (const v of encoder.trainable) updates.push({ variable: v.variable, grad: grads.get(v.variable)! });
    updates.push(
      { variable: headKernel, grad: kernelGrad },
      { variable: headBias, grad: grads.get(headBias)! },
    );
    for (const m of input.quirkEncoders) {
      for (const v of net.encoder(m).trainable) updates.push({ variable: v.variable, grad: null });
    }
    optimizer.stepHost(host, updates, input.lr);
    return { lossSum, correct, rows: B };
  } finally {
    host.release(...owned);
  }
}

const f = Math.fround;

/**
 * Adds the head bias to the logits z in place, then per row: the cross-entropy against y, whether the arg-max
 * hits y's, and δz = (softmax(z)·Σy − y)/B (the gradient of the mean loss) into `dz`.
 */
function softmaxCrossEntropyBackward(
  z: Float32Array,
  bias: Float32Array,
  y: Float32Array,
  dz: Float32Array,
  C: number,
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
    for (let j = 0; j < C; j++) {
      const shifted = z[at + j] - max;
      lossSum -= y[at + j] * (shifted - logSum);
      dz[at + j] = (Math.exp(shifted - logSum) * ySum - y[at + j]) / rows;
    }
    if (arg === yArg) correct++;
  }
  return { lossSum: f(lossSum), correct };
}

function addInPlace(target: Float32Array, other: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i] = f(target[i] + other[i]);
}
