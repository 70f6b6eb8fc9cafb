// The fused GELU kernels of the wasm backend (simd-gelu.ts) and the gradient that ties them together for
// autodiff. They are the project's own kernels, not replacements of stock ones: model/layers/activation.ts
// calls them where the active backend has them and composes GELU from stock ops elsewhere (cpu, webgpu, or an
// engine without wasm SIMD).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { geluParts, simdGelu } from './simd-gelu';
import { heapOffset } from './wasm-assembler';

export const GELU = 'MlaGelu';
export const GELU_GRAD = 'MlaGeluGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

const offsetOf = heapOffset;

/** out = f(x[, dy]) element by element: the SIMD pass over whole vectors, `tail` over the rest. */
function elementwise(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo | null,
  tail: (x: number, dy: number) => number,
): tf.TensorInfo {
  const loops = simdGelu(backend)!;
  const size = tf.util.sizeFromShape(x.shape);
  const out = backend.makeOutput([...x.shape], 'float32');
  // Offsets, not views, across makeOutput: an allocation may grow the heap and detach earlier views.
  const bulk = size - (size % 4);
  if (dy) loops.geluGrad(offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, out), 4 * bulk);
  else loops.gelu(offsetOf(backend, x), offsetOf(backend, out), 4 * bulk);
  if (bulk < size) {
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const dys = dy ? (backend.typedArrayFromHeap(dy) as Float32Array) : null;
    const outs = backend.typedArrayFromHeap(out) as Float32Array;
    for (let k = bulk; k < size; k++) outs[k] = tail(xs[k], dys ? dys[k] : 1);
  }
  return out;
}

function float32(info: tf.TensorInfo, kernel: string): void {
  if (info.dtype !== 'float32') throw new Error(`${kernel}: expected a float32 tensor, found ${info.dtype}`);
}

const geluConfig: tf.KernelConfig = {
  kernelName: GELU,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const x = args.inputs.x!;
    float32(x, GELU);
    return elementwise(args.backend as BackendWasm, x, null, (v) => v * geluParts(v).phi);
  }) as tf.KernelFunc,
};

const geluGradConfig: tf.KernelConfig = {
  kernelName: GELU_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    float32(x, GELU_GRAD);
    float32(dy, GELU_GRAD);
    return elementwise(args.backend as BackendWasm, x, dy, (v, d) => {
      const { phi, density } = geluParts(v);
      return d * (phi + v * density);
    });
  }) as tf.KernelFunc,
};

const geluGradient: tf.GradConfig = {
  kernelName: GELU,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({
    x: () => tf.engine().runKernel(GELU_GRAD, { x: saved[0], dy: dy as tf.Tensor }) as tf.Tensor,
  }),
};

/** Registers the fused GELU on wasm where the engine runs the SIMD module; safe to call more than once. */
export function registerFusedGelu(backend: BackendWasm): void {
  if (tf.getKernel(GELU, 'wasm') || !simdGelu(backend)) return;
  tf.registerKernel(geluConfig);
  tf.registerKernel(geluGradConfig);
  if (!tf.getGradient(GELU)) tf.registerGradient(geluGradient);
}

/** Removes the fused GELU from wasm (the benchmark's A/B against the composed ops); registerFusedGelu restores it. */
export function unregisterFusedGelu(): void {
  if (!tf.getKernel(GELU, 'wasm')) return;
  tf.unregisterKernel(GELU, 'wasm');
  tf.unregisterKernel(GELU_GRAD, 'wasm');
}
