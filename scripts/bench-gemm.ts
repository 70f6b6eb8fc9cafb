// GFLOP/s of the SIMD gemm (src/core/backend/kernels/simd-gemm.ts) against the stock XNNPACK path with a fresh
// B at every call, as in training, per product shape: training's MLP products, then larger ones up to where
// BatchMatMul hands products back to XNNPACK (B over 1 MB). Single thread, wasm backend.
//   node --import tsx scripts/bench-gemm.ts
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { setFastBatchMatMul } from '../src/core/backend/kernels/register';
import { simdGemm } from '../src/core/backend/kernels/simd-gemm';
import { selectBackend } from '../src/core/backend/select';

/** [M, K, N, A transposed]: the handwritten MLPs' forward and backward products, then larger squares. */
const SHAPES: [number, number, number, boolean][] = [
  [64, 240, 256, false],
  [240, 64, 256, true],
  [64, 256, 128, false],
  [256, 64, 128, true],
  [64, 128, 10, false],
  [128, 64, 10, true],
  [256, 256, 256, false],
  [1024, 288, 64, false],
  [256, 512, 512, false],
  [1024, 1024, 1024, false],
];

function time(fn: () => void, flops: number): number {
  const reps = Math.max(5, Math.round(1e9 / flops));
  fn();
  const start = performance.now();
  for (let r = 0; r < reps; r++) fn();
  return flops / ((performance.now() - start) / reps) / 1e6;
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const gemm = simdGemm(backend);
  if (!gemm) throw new Error('The SIMD gemm does not instantiate here (no wasm SIMD or no memory export).');
  const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  console.log('product                 gemm GFLOP/s   XNNPACK, fresh B   ratio');
  for (const [m, k, n, transA] of SHAPES) {
    const a = tf.randomNormal(transA ? [k, m] : [m, k]);
    const b = tf.randomNormal([k, n]);
    const c = backend.makeOutput([m, n], 'float32');
    const flops = 2 * m * k * n;
    const ours = time(() => gemm.gemm(offset(a), offset(b), offset(c), m, k, n, transA), flops);
    setFastBatchMatMul(false);
    // The stock kernel takes only plain products to XNNPACK: a transposed A is turned first, as the old
    // wrapper did. A fresh B (b + 0) makes it pack at every call; the add is timed apart and taken off.
    const aN = transA ? tf.transpose(a) : a;
    const withAdd = time(() => tf.tidy(() => void tf.matMul(aN, tf.add(b, 0))), flops);
    const addOnly = time(() => tf.tidy(() => void tf.add(b, 0)), flops);
    setFastBatchMatMul(true);
    const xnnpack = flops / 1e6 / (flops / 1e6 / withAdd - flops / 1e6 / addOnly);
    const name = `${transA ? `[${k},${m}]ᵀ` : `[${m},${k}]`}·[${k},${n}]`;
    console.log(
      `${name.padEnd(24)}${ours.toFixed(1).padStart(13)}${xnnpack.toFixed(1).padStart(19)}${(ours / xnnpack).toFixed(2).padStart(8)}×`,
    );
    if (aN !== a) aN.dispose();
    a.dispose();
    b.dispose();
    backend.disposeData(c.dataId);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
