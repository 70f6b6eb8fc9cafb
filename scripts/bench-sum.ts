// µs per call of the wasm Sum and Mean kernels (src/core/backend/kernels/sum.ts) against the stock kernels they
// wrap and against the same sums as a plain JS loop over the heap, on the reductions a transformer's training
// step makes (layer norm, softmax, bias gradients, pooling). Single thread, wasm backend.
//   node --import tsx scripts/bench-sum.ts
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stockWasmKernel } from '../src/core/backend/kernels/register';
import { planReduction } from '../src/core/backend/kernels/sum';
import { selectBackend } from '../src/core/backend/select';

/** [kernel, shape, axis]: the reductions of the benchmark's transformer workload, by time spent. */
const CASES: [string, number[], number | number[]][] = [
  [tf.Sum, [1024, 64], 0],
  [tf.Sum, [64, 16, 64], [0, 1]],
  [tf.Sum, [1024, 128], 0],
  [tf.Sum, [64, 16, 64], 2],
  [tf.Sum, [64, 4], 1],
  [tf.Sum, [64, 16, 64], 0],
  [tf.Mean, [64, 16, 64], 2],
  [tf.Mean, [64, 16, 64], 1],
];

function microseconds(fn: () => void): number {
  for (let r = 0; r < 20; r++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const reps = 200;
    const start = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, ((performance.now() - start) / reps) * 1000);
  }
  return best;
}

/** The same sums in JS over the heap views, in the SIMD loops' row order (the alternative measured). */
function jsSum(backend: BackendWasm, x: tf.TensorInfo, axis: number | number[]): tf.TensorInfo {
  const plan = planReduction(x.shape, axis, false)!;
  const out = backend.makeOutput(plan.outShape, 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const { blocks, rows, cols } = plan;
  dst.fill(0);
  for (let b = 0; b < blocks; b++) {
    for (let r = 0; r < rows; r++) {
      const from = (b * rows + r) * cols;
      const to = b * cols;
      for (let j = 0; j < cols; j++) dst[to + j] += src[from + j];
    }
  }
  return out;
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  console.log('kernel shape             axis    stock µs   SIMD µs   JS µs   stock/SIMD');
  for (const [name, shape, axis] of CASES) {
    const x = tf.randomNormal(shape);
    const attrs = { axis, keepDims: false };
    const call = (kernel: tf.KernelConfig) => () => {
      const out = kernel.kernelFunc({ inputs: { x }, backend, attrs }) as tf.TensorInfo;
      backend.disposeData(out.dataId);
    };
    const stock = microseconds(call(stockWasmKernel(name)!));
    const simd = microseconds(call(tf.getKernel(name, 'wasm')!));
    const js = microseconds(() => backend.disposeData(jsSum(backend, x, axis).dataId));
    const label = `${name} [${shape.join(',')}]`.padEnd(24);
    console.log(
      `${label} ${String(axis).padEnd(5)}${stock.toFixed(1).padStart(10)}${simd.toFixed(1).padStart(10)}${js.toFixed(1).padStart(8)}${(stock / simd).toFixed(1).padStart(12)}×`,
    );
    x.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
