// The unimodal baseline's step when the encoders are MLPs with ReLU, written out as the joint one is
// (joint-mlp-step.ts). The one head holds every modality's head side by side (kernel [d, M·C]); modality m's
// logits are its block of columns of Z = f_m·K + c, as `ownHeadLogits` slices them. Backward mirrors what
// autodiff does with that slice: δZ is δz_m in block m and zero elsewhere, dK = Σ_m f_mᵀ·δZ_m, dc = Σ_m Σ δZ_m
// and ∂loss/∂f_m = δZ_m·Kᵀ, so the products run over the same operands as on the tf path. Then one fast-path
// optimizer update over the encoders that had rows and the head, in the autodiff path's order.

import type * as tf from '@tensorflow/tfjs';
import type { Info, TensorHost } from '../../backend/host';
import type { UnimodalStepInput } from '../../methods/unimodal';
import type { StepTotals } from '../../methods/types';
import type { MlpEncoder } from '../../model/mlp';
import type { HostUpdate } from '../../optim/fast-update';
import type { Optimizer } from '../../optim/optimizer';
import type { Network } from '../network';
import {
  addInPlace,
  mlpBackward,
  mlpForward,
  mlpPassApplies,
  owner,
  softmaxCrossEntropyBackward,
} from './mlp-pass';

export type FastUnimodalInput = Omit<UnimodalStepInput, 'fastPath'>;

export function fastUnimodalApplies(net: Network, input: FastUnimodalInput): boolean {
  return input.inputs.every((e) => mlpPassApplies(net.encoder(net.order[e.index]), e.x));
}

export function fastUnimodalMlpStep(
  host: TensorHost,
  net: Network,
  optimizer: Optimizer,
  input: FastUnimodalInput,
  seedOf: (index: number) => number,
): StepTotals[] {
  const C = net.classes;
  const K = net.head.kernel.variable;
  const c = net.head.bias.variable;
  const width = C * net.order.length;
  const owned: Info[] = [];
  const own = owner(owned);
  try {
    const grads = new Map<tf.Variable, Info>();
    let kernelGrad: Info | null = null;
    let biasGrad: Info | null = null;
    const totals = input.inputs.map((e): StepTotals => {
      const encoder = net.encoder(net.order[e.index]) as MlpEncoder;
      const B = e.x.shape[0];
      const pass = mlpForward(host, encoder, e.x, seedOf(e.index), own);
      const Z = own(host.matMul(pass.features, K, false, false));
      const dZ = own(host.output([B, width]));
      const z = takeBlock(host.view(Z), e.index, C, width);
      const bias = host.view(c).slice(e.index * C, (e.index + 1) * C);
      const dz = new Float32Array(B * C);
      const sums = softmaxCrossEntropyBackward(z, bias, host.view(e.y), dz, C);
      putBlock(dz, host.view(dZ), e.index, C, width);

      const dK = own(host.matMul(pass.features, dZ, true, false));
      const dc = own(host.columnSums(dZ));
      if (kernelGrad && biasGrad) {
        addInPlace(host.view(kernelGrad), host.view(dK));
        addInPlace(host.view(biasGrad), host.view(dc));
      } else {
        kernelGrad = dK;
        biasGrad = dc;
      }
      mlpBackward(host, pass, own(host.matMul(dZ, K, false, true)), grads, own);
      return { ...sums, rows: B };
    });
    if (!kernelGrad || !biasGrad) return totals;
    const updates: HostUpdate[] = [];
    for (const e of input.inputs) {
      for (const v of net.encoder(net.order[e.index]).trainable) {
        updates.push({ variable: v.variable, grad: grads.get(v.variable)! });
      }
    }
    updates.push({ variable: K, grad: kernelGrad }, { variable: c, grad: biasGrad });
    optimizer.stepHost(host, updates, input.lr);
    return totals;
  } finally {
    host.release(...owned);
  }
}

/** Column block `block` (C wide) of the [rows, width] values, as [rows, C]. */
function takeBlock(from: Float32Array, block: number, C: number, width: number): Float32Array {
  const rows = from.length / width;
  const out = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++)
    out.set(from.subarray(r * width + block * C, r * width + (block + 1) * C), r * C);
  return out;
}

/** The [rows, C] values as column block `block` of the [rows, width] buffer, zero in every other column. */
function putBlock(from: Float32Array, to: Float32Array, block: number, C: number, width: number): void {
  to.fill(0);
  const rows = from.length / C;
  for (let r = 0; r < rows; r++) to.set(from.subarray(r * C, (r + 1) * C), r * width + block * C);
}
