// G-Blending's step when every encoder is an MLP with ReLU, written out as the joint one is (joint-mlp-step.ts).
// Features f_m (times the presence column) are concatenated into F [B, M·d]; the fused head reads F through
// columns 0 … C − 1 of the kernel (K_f), modality m's head reads f_m through its rows and its block of columns
// (K_m), as `blendFusedLogits` and `blendOwnLogits` slice them. The loss w_0·L_fused + Σ_m w_m·L_m gives
// δz_f = w_0·(softmax − y)/B and δz_m = w_m·p_r·(softmax − y)/max(n_m, 1) (p_r the row's presence, n_m the
// rows that have m); backward dK_f = Fᵀ·δz_f, dK_m = f_mᵀ·δz_m into a kernel gradient zero elsewhere, the bias
// blocks Σ δz, and ∂loss/∂f_m = (block m of δz_f·K_fᵀ + δz_m·K_mᵀ)·p, which starts encoder m's backward pass.
// The figures use the heads before the update, as `blendStep` does.

import type * as tf from '@tensorflow/tfjs';
import type { Info, TensorHost } from '../../backend/host';
import type { BlendStepInput } from '../../methods/gblending';
import type { JointStepTotals } from '../../methods/joint';
import type { MlpEncoder } from '../../model/mlp';
import type { HostUpdate } from '../../optim/fast-update';
import type { Optimizer } from '../../optim/optimizer';
import type { Network } from '../network';
import { mlpBackward, mlpForward, mlpPassApplies, owner, softmaxCrossEntropyBackward } from './mlp-pass';

export type FastBlendInput = Omit<BlendStepInput, 'fastPath'>;

export function fastBlendApplies(net: Network, xs: tf.Tensor[]): boolean {
  return net.order.every((m, i) => mlpPassApplies(net.encoder(m), xs[i]));
}

export function fastBlendMlpStep(
  host: TensorHost,
  net: Network,
  optimizer: Optimizer,
  input: FastBlendInput,
): JointStepTotals {
  const B = input.y.shape[0];
  const C = net.classes;
  const d = net.featureDim;
  const M = net.order.length;
  const width = (M + 1) * C;
  const K = net.head.kernel.variable;
  const c = net.head.bias.variable;
  const owned: Info[] = [];
  const own = owner(owned);
  try {
    const weights = Float32Array.from(host.view(input.weights));
    const passes = net.order.map((m, i) =>
      mlpForward(host, net.encoder(m) as MlpEncoder, input.xs[i], input.seed, own),
    );
    const present = input.masks.map((mask) => (mask ? Float32Array.from(host.view(mask)) : null));
    // The features the heads read: zero on rows lacking the modality.
    const feats = passes.map((pass, i) => {
      const p = present[i];
      if (!p) return pass.features;
      const masked = own(host.output([B, d]));
      const from = host.view(pass.features);
      const to = host.view(masked);
      for (let r = 0; r < B; r++) for (let j = 0; j < d; j++) to[r * d + j] = from[r * d + j] * p[r];
      return masked;
    });
    const F = own(host.output([B, M * d]));
    feats.forEach((f, i) => {
      const from = host.view(f);
      const to = host.view(F);
      for (let r = 0; r < B; r++) to.set(from.subarray(r * d, (r + 1) * d), r * M * d + i * d);
    });

    // The heads' kernels, copied out of K: the fused one [M·d, C], modality m's [d, C].
    const kernel = Float32Array.from(host.view(K));
    const bias = Float32Array.from(host.view(c));
    const Kf = own(host.upload(kernelBlock(kernel, 0, M * d, 0, C, width), [M * d, C]));
    const Ks = net.order.map((_, m) =>
      own(host.upload(kernelBlock(kernel, m * d, d, (m + 1) * C, C, width), [d, C])),
    );

    const zf = own(host.matMul(F, Kf, false, false));
    const dzf = own(host.output([B, C]));
    const fused = softmaxCrossEntropyBackward(
      host.view(zf),
      bias.subarray(0, C),
      host.view(input.y),
      host.view(dzf),
      C,
      null,
      weights[0] / B,
    );
    const dzs: Info[] = [];
    const unimodal = feats.map((f, m) => {
      const z = own(host.matMul(f, Ks[m], false, false));
      const dz = own(host.output([B, C]));
      const p = present[m];
      const n = p ? p.reduce((a, v) => a + v, 0) : B;
      dzs.push(dz);
      const at = (m + 1) * C;
      return softmaxCrossEntropyBackward(
        host.view(z),
        bias.subarray(at, at + C),
        host.view(input.y),
        host.view(dz),
        C,
        p,
        weights[m + 1] / Math.max(n, 1),
      );
    });

    const kernelGrad = new Float32Array(kernel.length);
    const biasGrad = new Float32Array(bias.length);
    const dKf = own(host.matMul(F, dzf, true, false));
    putKernelBlock(host.view(dKf), kernelGrad, 0, 0, C, width);
    biasGrad.set(host.view(own(host.columnSums(dzf))), 0);
    feats.forEach((f, m) => {
      const dKm = own(host.matMul(f, dzs[m], true, false));
      putKernelBlock(host.view(dKm), kernelGrad, m * d, (m + 1) * C, C, width);
      biasGrad.set(host.view(own(host.columnSums(dzs[m]))), (m + 1) * C);
    });

    const grads = new Map<tf.Variable, Info | Float32Array>();
    grads.set(K, kernelGrad);
    grads.set(c, biasGrad);
    const encoderGrads = new Map<tf.Variable, Info>();
    const dF = own(host.matMul(dzf, Kf, false, true));
    passes.forEach((pass, m) => {
      const dOwn = own(host.matMul(dzs[m], Ks[m], false, true));
      const delta = own(host.output([B, d]));
      const fromF = host.view(dF);
      const fromOwn = host.view(dOwn);
      const to = host.view(delta);
      const p = present[m];
      for (let r = 0; r < B; r++) {
        const w = p ? p[r] : 1;
        for (let j = 0; j < d; j++)
          to[r * d + j] = Math.fround(fromF[r * M * d + m * d + j] + fromOwn[r * d + j]) * w;
      }
      mlpBackward(host, pass, delta, encoderGrads, own);
    });
    for (const [v, g] of encoderGrads) grads.set(v, g);
    const updates: HostUpdate[] = net.trainableVariables().map((variable) => ({
      variable,
      grad: grads.get(variable)!,
    }));
    optimizer.stepHost(host, updates, input.lr);
    return { lossSum: fused.lossSum, correct: fused.correct, rows: B, unimodal };
  } finally {
    host.release(...owned);
  }
}

/** Rows `row0` … `row0 + rows − 1`, columns `col0` … `col0 + cols − 1` of the [·, width] kernel. */
function kernelBlock(
  kernel: Float32Array,
  row0: number,
  rows: number,
  col0: number,
  cols: number,
  width: number,
): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const at = (row0 + r) * width + col0;
    out.set(kernel.subarray(at, at + cols), r * cols);
  }
  return out;
}

/** The [rows, cols] block into the [·, width] gradient at row `row0`, column `col0`. */
function putKernelBlock(
  block: Float32Array,
  into: Float32Array,
  row0: number,
  col0: number,
  cols: number,
  width: number,
): void {
  const rows = block.length / cols;
  for (let r = 0; r < rows; r++)
    into.set(block.subarray(r * cols, (r + 1) * cols), (row0 + r) * width + col0);
}
