// OGM-GE's step when every encoder is an MLP with ReLU: the joint step's pass (joint-mlp-step.ts) with the
// read-outs at 1/M of the bias, then the modulation `ogmStep` applies to the autodiff gradients, here on the
// gradients in JS memory: per modality the score s_m (mean true-class probability of its read-out over the
// rows that have it), ρ_m = s_m / min of the others' s, k_m = 1 − tanh(α·ρ_m) where ρ_m > 1, else 1; every
// encoder weight of rank ≥ 2 takes g·k_m plus, with noise, N(0, σ²)·σ-scaled draws of tf's own generator on
// the same seed (σ the gradient's sample std). Float32 rounding after each operation, as the tf kernels do.

import * as tf from '@tensorflow/tfjs';
import type { Info, TensorHost } from '../../backend/host';
import type { OgmStepInput, OgmStepTotals } from '../../methods/ogm-ge';
import type { HostGrad, HostUpdate } from '../../optim/fast-update';
import type { Optimizer } from '../../optim/optimizer';
import type { Network } from '../network';
import { jointMlpGradients } from './joint-mlp-step';
import { owner } from './mlp-pass';

export type FastOgmInput = Omit<OgmStepInput, 'fastPath'>;

const f = Math.fround;

export function fastOgmMlpStep(
  host: TensorHost,
  net: Network,
  optimizer: Optimizer,
  input: FastOgmInput,
  noiseSeed: (drawn: number) => number,
): OgmStepTotals {
  const C = net.classes;
  const M = net.order.length;
  const owned: Info[] = [];
  try {
    const pass = jointMlpGradients(host, net, input, M, owner(owned));
    const y = Float32Array.from(host.view(input.y));
    const scores = pass.readOuts.map((z, i) => trueClassScore(z, y, pass.present[i], C));
    const { rho, k } = coefficients(scores, input.modulate ? input.alpha : 0);
    const grads = new Map<tf.Variable, HostGrad>(pass.grads);
    if (input.modulate) {
      let drawn = 0;
      net.order.forEach((m, i) => {
        for (const v of net.encoder(m).trainable) {
          if (v.variable.rank < 2) continue;
          const g = host.view(pass.grads.get(v.variable)!);
          grads.set(v.variable, modulated(g, k[i], input.noise, noiseSeed(drawn++), v.variable.shape));
        }
      });
    }
    const updates: HostUpdate[] = net.trainableVariables().map((variable) => ({
      variable,
      grad: grads.get(variable)!,
    }));
    optimizer.stepHost(host, updates, input.lr);
    return {
      lossSum: pass.lossSum,
      correct: pass.correct,
      rows: input.y.shape[0],
      unimodal: pass.unimodal,
      rho: tf.tensor1d(rho),
      k: tf.tensor1d(k),
    };
  } finally {
    host.release(...owned);
  }
}

/** `trueClassScore` of ogm-ge.ts on [B, C] logits: the mean over rows of weight 1 of p(true class). */
function trueClassScore(z: Float32Array, y: Float32Array, weight: Float32Array | null, C: number): number {
  const rows = z.length / C;
  let sum = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const w = weight ? weight[r] : 1;
    count += w;
    if (w === 0) continue;
    const at = r * C;
    let max = -Infinity;
    for (let j = 0; j < C; j++) max = Math.max(max, z[at + j]);
    let sumExp = 0;
    let hit = 0;
    for (let j = 0; j < C; j++) {
      const e = Math.exp(z[at + j] - max);
      sumExp += e;
      hit += e * y[at + j];
    }
    sum += w * (hit / sumExp);
  }
  return f(sum / Math.max(count, 1));
}

/** `ogmCoefficients` of ogm-ge.ts in float32 arithmetic. */
function coefficients(scores: number[], alpha: number): { rho: Float32Array; k: Float32Array } {
  const M = scores.length;
  if (M < 2) return { rho: new Float32Array(M).fill(1), k: new Float32Array(M).fill(1) };
  const a = f(alpha);
  const rho = Float32Array.from(scores, (s, m) => f(s / Math.min(...scores.filter((_, o) => o !== m))));
  const k = Float32Array.from(rho, (r) => (r > 1 ? f(1 - f(Math.tanh(f(a * r)))) : 1));
  return { rho, k };
}

/** `modulatedGradient` of ogm-ge.ts: g·k, plus tf's N(0, 1) draws of `seed` times g's sample std. */
function modulated(g: Float32Array, k: number, noise: boolean, seed: number, shape: number[]): Float32Array {
  const kf = f(k);
  const n = g.length;
  // Plain loops: a typed array's `from` with a mapping function is many times slower on this size.
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(g[i] * kf);
  if (!noise) return out;
  let total = 0;
  for (let i = 0; i < n; i++) total += g[i];
  const mean = f(total / n);
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const c = f(g[i] - mean);
    squares += f(c * c);
  }
  const std = f(Math.sqrt(f(f(squares) / Math.max(n - 1, 1))));
  const draws = tf.randomNormal(shape, 0, 1, 'float32', seed);
  const values = draws.dataSync();
  draws.dispose();
  for (let i = 0; i < n; i++) out[i] = f(out[i] + f(values[i] * std));
  return out;
}
