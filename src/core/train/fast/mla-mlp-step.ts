// The MLA modality step for the common case, an MLP encoder with ReLU under the linear head, written out:
// forward, closed-form backward (mlp-pass.ts) and the optimizer update on the backend's buffers
// (backend/host.ts), with the matmuls by the registered BatchMatMul kernel and everything elementwise as loops
// over the same memory (SIMD on wasm). It computes what `mlaStep` computes through tf.variableGrads
// (test/unit/train-fast-path.test.ts compares them) without the tape and the ≈80 engine calls per step that
// cost ≈40 % of an epoch on wasm. Head: z = f·K + c; with δz = (softmax(z) − y)/B, dK = fᵀ·δz, dc = Σ δz and
// ∂loss/∂f = δz·Kᵀ; HGM replaces dK by P·dK (or adds it) exactly as `HgmProjector.step`.

import type * as tf from '@tensorflow/tfjs';
import type { Info, TensorHost } from '../../backend/host';
import type { HgmMode } from '../../config/types';
import { hgmAlpha, type HgmProjector } from '../../mla/hgm';
import type { MlpEncoder } from '../../model/mlp';
import type { HostUpdate } from '../../optim/fused';
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
import type { MlaStepInput } from '../steps';

/** The same inputs as the autodiff step; only the choice of path is not the fast step's business. */
export type FastStepInput = Omit<MlaStepInput, 'fused'>;

export interface FastStepResult {
  /** Loss × rows and correct count of the step, as numbers (read from the logits the step computed). */
  lossSum: number;
  correct: number;
  rows: number;
}

/** Whether `fastMlaMlpStep` handles this modality: an MLP encoder with ReLU and float32 inputs. */
export function fastPathApplies(net: Network, modality: string, x: tf.Tensor): boolean {
  return mlpPassApplies(net.encoder(modality), x);
}

export function fastMlaMlpStep(
  host: TensorHost,
  net: Network,
  optimizer: Optimizer,
  hgm: { projector: HgmProjector; mode: HgmMode } | null,
  input: FastStepInput,
): FastStepResult {
  const encoder = net.encoder(input.modality) as MlpEncoder;
  const B = input.x.shape[0];
  const C = net.classes;
  const headKernel = net.head.kernel.variable;
  const headBias = net.head.bias.variable;
  const owned: Info[] = [];
  const own = owner(owned);
  try {
    const pass = mlpForward(host, encoder, input.x, input.seed, own);
    const features = pass.features;
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
    mlpBackward(host, pass, own(host.matMul(dz, headKernel, false, true)), grads, own);

    if (hgm && hgm.mode !== 'off') {
      const sums = own(host.columnSums(features));
      const r = Float32Array.from(host.view(sums), (v) => v / B);
      if (hgm.projector.advanceOnHost(host, r, hgmAlpha(input.batch, input.batches))) {
        const projected = own(host.matMul(hgm.projector.tensor, kernelGrad, false, false));
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
