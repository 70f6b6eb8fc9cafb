// A fused LayerNorm over the last axis for the wasm backend: one kernel forward, one backward giving dx, dγ
// and dβ, as SIMD passes over the heap (simd-layer-norm.ts) for widths that are a multiple of 4, plain loops
// for the rest. Composed of stock ops a
// LayerNorm was 9 kernel calls forward and about 20 backward (moments, the broadcasts and their reductions),
// each with the engine's bookkeeping, on rows of only 64-256 values: the transformer encoder has 2 per block
// and a final one (figures: docs/performance.md). model/layers/layernorm.ts calls these where the active
// backend has them and composes the stock ops elsewhere.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdLayerNorm } from './simd-layer-norm';
import { heapOffset } from './wasm-assembler';

export const LAYER_NORM = 'MlaLayerNorm';
export const LAYER_NORM_GRAD = 'MlaLayerNormGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const offsetOf = heapOffset;
const sizeOf = (info: tf.TensorInfo): number => tf.util.sizeFromShape(info.shape);

function checked(inputs: tf.NamedTensorInfoMap, names: string[], kernel: string): tf.TensorInfo[] {
  const infos = names.map((n) => inputs[n]!);
  for (const [k, info] of infos.entries()) {
    if (info.dtype !== 'float32') {
      throw new Error(`${kernel}: expected ${names[k]} as float32, found ${info.dtype}`);
    }
  }
  const dim = infos[0].shape[infos[0].shape.length - 1] ?? 0;
  const gamma = infos.find((_, k) => names[k] === 'gamma')!;
  if (gamma.shape.length !== 1 || gamma.shape[0] !== dim) {
    throw new Error(`${kernel}: expected gamma of shape [${dim}], found [${gamma.shape.join(', ')}]`);
  }
  return infos;
}

/** Mean and 1/√(variance + ε) of row `base`…`base + dim` (biased variance, as PyTorch). */
function rowStats(x: Float32Array, base: number, dim: number, epsilon: number): [number, number] {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += x[base + j];
  const mean = sum / dim;
  let squares = 0;
  for (let j = 0; j < dim; j++) {
    const d = x[base + j] - mean;
    squares += d * d;
  }
  return [mean, 1 / Math.sqrt(squares / dim + epsilon)];
}

const layerNormConfig: tf.KernelConfig = {
  kernelName: LAYER_NORM,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const [xInfo, gInfo, bInfo] = checked(args.inputs, ['x', 'gamma', 'beta'], LAYER_NORM);
    const epsilon = args.attrs!.epsilon as number;
    const dim = gInfo.shape[0]!;
    const out = backend.makeOutput([...xInfo.shape], 'float32');
    const simd = dim % 4 === 0 ? simdLayerNorm(backend) : null;
    if (simd) {
      const [x, gamma, beta, y] = [xInfo, gInfo, bInfo, out].map((i) => offsetOf(backend, i));
      simd.forward(x, gamma, beta, y, 4 * sizeOf(xInfo), 4 * dim, epsilon, dim);
      return out;
    }
    // Views after makeOutput: an allocation may grow the heap and detach earlier ones.
    const [x, gamma, beta, y] = [xInfo, gInfo, bInfo, out].map(
      (i) => backend.typedArrayFromHeap(i) as Float32Array,
    );
    for (let base = 0; base < x.length; base += dim) {
      const [mean, rstd] = rowStats(x, base, dim, epsilon);
      for (let j = 0; j < dim; j++) y[base + j] = (x[base + j] - mean) * rstd * gamma[j] + beta[j];
    }
    return out;
  }) as tf.KernelFunc,
};

const layerNormGradConfig: tf.KernelConfig = {
  kernelName: LAYER_NORM_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const [dyInfo, xInfo, gInfo] = checked(args.inputs, ['dy', 'x', 'gamma'], LAYER_NORM_GRAD);
    const epsilon = args.attrs!.epsilon as number;
    const dim = gInfo.shape[0]!;
    const outs = [
      backend.makeOutput([...xInfo.shape], 'float32'),
      backend.makeOutput([dim], 'float32'),
      backend.makeOutput([dim], 'float32'),
    ];
    const simd = dim % 4 === 0 ? simdLayerNorm(backend) : null;
    if (simd) {
      // The SIMD pass accumulates dγ and dβ in place.
      for (const sums of outs.slice(1)) (backend.typedArrayFromHeap(sums) as Float32Array).fill(0);
      const [dy, x, gamma, dx, dGamma, dBeta] = [dyInfo, xInfo, gInfo, ...outs].map((i) =>
        offsetOf(backend, i),
      );
      simd.backward(dy, x, gamma, dx, dGamma, dBeta, 4 * sizeOf(xInfo), 4 * dim, epsilon, dim);
      return outs;
    }
    const [dy, x, gamma, dx, dGamma, dBeta] = [dyInfo, xInfo, gInfo, ...outs].map(
      (i) => backend.typedArrayFromHeap(i) as Float32Array,
    );
    const sumG = new Float64Array(dim);
    const sumB = new Float64Array(dim);
    for (let base = 0; base < x.length; base += dim) {
      const [mean, rstd] = rowStats(x, base, dim, epsilon);
      // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ and x̂ the normalised input.
      let sumDg = 0;
      let sumDgX = 0;
      for (let j = 0; j < dim; j++) {
        const d = dy[base + j];
        const xHat = (x[base + j] - mean) * rstd;
        const g = d * gamma[j];
        sumDg += g;
        sumDgX += g * xHat;
        sumG[j] += d * xHat;
        sumB[j] += d;
      }
      const [meanDg, meanDgX] = [sumDg / dim, sumDgX / dim];
      for (let j = 0; j < dim; j++) {
        const xHat = (x[base + j] - mean) * rstd;
        dx[base + j] = rstd * (dy[base + j] * gamma[j] - meanDg - xHat * meanDgX);
      }
    }
    dGamma.set(sumG);
    dBeta.set(sumB);
    return outs;
  }) as tf.KernelFunc,
};

const layerNormGradient: tf.GradConfig = {
  kernelName: LAYER_NORM,
  inputsToSave: ['x', 'gamma'],
  gradFunc: (dy, saved, attrs) => {
    // One kernel gives all three; the engine's backward scope disposes those no input asked for.
    const [dx, dGamma, dBeta] = tf
      .engine()
      .runKernel(
        LAYER_NORM_GRAD,
        { dy: dy as tf.Tensor, x: saved[0], gamma: saved[1] },
        attrs,
      ) as tf.Tensor[];
    return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
  },
};

/** Registers the fused LayerNorm on wasm; safe to call more than once. */
export function registerFusedLayerNorm(): void {
  if (tf.getKernel(LAYER_NORM, 'wasm')) return;
  tf.registerKernel(layerNormConfig);
  tf.registerKernel(layerNormGradConfig);
  if (!tf.getGradient(LAYER_NORM)) tf.registerGradient(layerNormGradient);
}

/** Removes it (the benchmark's A/B against the composed ops); registerFusedLayerNorm restores it. */
export function unregisterFusedLayerNorm(): void {
  if (!tf.getKernel(LAYER_NORM, 'wasm')) return;
  tf.unregisterKernel(LAYER_NORM, 'wasm');
  tf.unregisterKernel(LAYER_NORM_GRAD, 'wasm');
}
