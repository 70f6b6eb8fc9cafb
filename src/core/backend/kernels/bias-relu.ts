// ReLU fused with the bias add before it, for the wasm backend: relu(x + b) in one kernel forward, and one
// backward giving dx = dy where the output is positive (else 0) and db = dx's column sums. Composed of stock
// ops that pair took Add and Relu forward and Step, Cast, Multiply and Sum backward, each a full pass over a
// convolution's output (docs/performance.md); fused, each direction is one pass (simd-bias-relu.ts; JS loops
// for widths that are not a multiple of 4). model/layers/activation.ts calls these where the active backend
// has them.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdBiasRelu } from './simd-bias-relu';
import { heapOffset } from './wasm-assembler';

export const BIAS_RELU = 'MlaBiasRelu';
export const BIAS_RELU_GRAD = 'MlaBiasReluGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

const offsetOf = heapOffset;

function checked(kernel: string, infos: tf.TensorInfo[], width: number): void {
  for (const info of infos) {
    if (info.dtype !== 'float32') throw new Error(`${kernel}: expected float32 tensors, found ${info.dtype}`);
  }
  const last = infos[0].shape[infos[0].shape.length - 1];
  if (last !== width) throw new Error(`${kernel}: expected a last axis of ${width}, found ${last}`);
}

const biasReluConfig: tf.KernelConfig = {
  kernelName: BIAS_RELU,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const { x, bias } = args.inputs as { x: tf.TensorInfo; bias: tf.TensorInfo };
    const width = bias.shape[0] ?? 0;
    checked(BIAS_RELU, [x, bias], width);
    const out = backend.makeOutput([...x.shape], 'float32');
    const size = tf.util.sizeFromShape(x.shape);
    const simd = width % 4 === 0 ? simdBiasRelu(backend) : null;
    if (simd) {
      const [px, pb, pOut] = [x, bias, out].map((i) => offsetOf(backend, i));
      simd.forward(px, pb, pOut, 4 * size, 4 * width);
      return out;
    }
    // Views after makeOutput: an allocation may grow the heap and detach earlier ones.
    const [xs, bs, ys] = [x, bias, out].map((i) => backend.typedArrayFromHeap(i) as Float32Array);
    for (let k = 0; k < size; k++) ys[k] = Math.max(xs[k] + bs[k % width], 0);
    return out;
  }) as tf.KernelFunc,
};

const biasReluGradConfig: tf.KernelConfig = {
  kernelName: BIAS_RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const width = y.shape[y.shape.length - 1] ?? 1;
    checked(BIAS_RELU_GRAD, [dy, y], width);
    const size = tf.util.sizeFromShape(y.shape);
    const dx = backend.makeOutput([...y.shape], 'float32');
    const db = backend.makeOutput([width], 'float32');
    (backend.typedArrayFromHeap(db) as Float32Array).fill(0);
    const simd = width % 4 === 0 ? simdBiasRelu(backend) : null;
    if (simd) {
      const [pdy, py, pdx, pdb] = [dy, y, dx, db].map((i) => offsetOf(backend, i));
      simd.backward(pdy, py, pdx, pdb, 4 * size, 4 * width);
      return [dx, db];
    }
    const [dys, ys, dxs, dbs] = [dy, y, dx, db].map((i) => backend.typedArrayFromHeap(i) as Float32Array);
    for (let k = 0; k < size; k++) {
      dxs[k] = ys[k] > 0 ? dys[k] : 0;
      dbs[k % width] += dxs[k];
    }
    return [dx, db];
  }) as tf.KernelFunc,
};

const biasReluGradient: tf.GradConfig = {
  kernelName: BIAS_RELU,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    // One kernel gives both; the engine's backward scope disposes the one no input asked for.
    const [dx, db] = tf
      .engine()
      .runKernel(BIAS_RELU_GRAD, { dy: dy as tf.Tensor, y: saved[0] }) as tf.Tensor[];
    return { x: () => dx, bias: () => db };
  },
};

/** Registers the fused bias + ReLU on wasm; safe to call more than once. */
export function registerFusedBiasRelu(): void {
  if (tf.getKernel(BIAS_RELU, 'wasm')) return;
  tf.registerKernel(biasReluConfig);
  tf.registerKernel(biasReluGradConfig);
  if (!tf.getGradient(BIAS_RELU)) tf.registerGradient(biasReluGradient);
}

/** Removes it (the benchmark's A/B against the composed ops); registerFusedBiasRelu restores it. */
export function unregisterFusedBiasRelu(): void {
  if (!tf.getKernel(BIAS_RELU, 'wasm')) return;
  tf.unregisterKernel(BIAS_RELU, 'wasm');
  tf.unregisterKernel(BIAS_RELU_GRAD, 'wasm');
}
