// Registers the project's wasm training kernels: the two missing ones (Conv2DBackpropFilter, UnsortedSegmentSum),
// a corrected MaxPoolGrad, wrappers that route BatchMatMul, Conv2D and stride-1 Conv2DBackpropInput to the
// project's SIMD gemms (XNNPACK where the engine lacks wasm SIMD), a Transpose that avoids the stock kernel's
// cache-aliasing case, Sum and Mean over contiguous axes as SIMD loops, an Identity that shares its input's
// buffer instead of copying it, PadV2 and Slice copying whole runs, and the project's fused GELU (gelu.ts), LayerNorm (layer-norm.ts) and
// bias + ReLU (bias-relu.ts). Call after `tf.setBackend('wasm')` resolved (the wrappers call the stock kernels,
// whose setup must have run). Safe to call more than once.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { makeFastBatchMatMulConfig } from './batch-matmul';
import { makeConv2DConfig } from './conv2d';
import { makeConv2DBackpropInputConfig } from './conv2d-backprop-input';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { registerFusedBiasRelu } from './bias-relu';
import { registerFusedGelu } from './gelu';
import { makeIdentityConfig } from './identity';
import { registerFusedLayerNorm } from './layer-norm';
import { maxPoolGradConfig } from './max-pool-grad';
import { makePadV2Config, makeSliceConfig } from './pad-slice';
import { makeMeanConfig, makeSumConfig } from './sum';
import { makeTransposeConfig } from './transpose';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

let stockBatchMatMul: tf.KernelConfig | null = null;
let fastBatchMatMul: tf.KernelConfig | null = null;

export interface WasmKernelOptions {
  /** Replace BatchMatMul by the transposing/folding wrapper (default true: 4-5x faster MLP training, measured). */
  fastBatchMatMul?: boolean;
}

export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): void {
  for (const config of [conv2DBackpropFilterConfig, unsortedSegmentSumConfig, maxPoolGradConfig]) {
    if (tf.getKernel(config.kernelName, 'wasm') !== config) {
      if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  }
  setFastBatchMatMul(options.fastBatchMatMul ?? true);
  wrapStock(tf.Conv2D, makeConv2DConfig);
  wrapStock(tf.Conv2DBackpropInput, makeConv2DBackpropInputConfig);
  wrapStock(tf.Transpose, makeTransposeConfig);
  wrapStock(tf.Sum, makeSumConfig);
  wrapStock(tf.Mean, makeMeanConfig);
  wrapStock(tf.Identity, makeIdentityConfig);
  wrapStock(tf.PadV2, makePadV2Config);
  wrapStock(tf.Slice, makeSliceConfig);
  const wasm = tf.findBackend('wasm');
  if (wasm) registerFusedGelu(wasm as BackendWasm);
  registerFusedLayerNorm();
  registerFusedBiasRelu();
}

/** The stock kernels that a wrapper replaced, by kernel name. */
const wrapped = new Map<string, tf.KernelConfig>();

/** Replaces a stock kernel by a wrapper that handles the fast cases and calls the stock kernel for the rest. */
function wrapStock(kernelName: string, make: (stock: tf.KernelConfig) => tf.KernelConfig): void {
  if (wrapped.has(kernelName)) return;
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) throw new Error(`The wasm backend is not loaded: no ${kernelName} kernel to wrap.`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(make(stock));
  wrapped.set(kernelName, stock);
}

/** The stock wasm kernel that a wrapper replaced (tests compare against it, benchmarks time it). */
export function stockWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return wrapped.get(kernelName);
}

/** Switches between the stock wasm BatchMatMul and the fast wrapper (the benchmark measures both). */
export function setFastBatchMatMul(enabled: boolean): void {
  const current = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (!current) throw new Error('The wasm backend is not loaded: no BatchMatMul kernel to wrap.');
  if (stockBatchMatMul === null) {
    stockBatchMatMul = current;
    fastBatchMatMul = makeFastBatchMatMulConfig(current);
  }
  const wanted = enabled ? fastBatchMatMul! : stockBatchMatMul;
  if (current === wanted) return;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel(wanted);
}
