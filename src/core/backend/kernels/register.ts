// Registers the project's wasm training kernels. Call after `tf.setBackend('wasm')` resolved (the stock kernels'
// setup must have run, since the fast BatchMatMul calls the stock one). Safe to call more than once.
import * as tf from '@tensorflow/tfjs';
import { makeFastBatchMatMulConfig } from './batch-matmul';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { maxPoolGradConfig } from './max-pool-grad';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

let stockBatchMatMul: tf.KernelConfig | null = null;
let fastBatchMatMul: tf.KernelConfig | null = null;

export interface WasmKernelOptions {
  /** Replace BatchMatMul by the transposing/folding wrapper (default true: ~3x faster MLP training). */
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
