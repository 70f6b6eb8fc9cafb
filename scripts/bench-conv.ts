// Milliseconds per call of the wasm convolution kernels on the benchmark's conv2d encoder shapes (workload (c):
// [32, 32] grid, channels 32 then 64, 3×3, batch 64), with the strided SIMD gemm (src/core/backend/kernels/
// conv-gemm.ts) and without it (XNNPACK / stock paths), interleaved in one process. Single thread.
//   node --import tsx scripts/bench-conv.ts [repeats]
import * as tf from '@tensorflow/tfjs';
import { setConvGemm } from '../src/core/backend/kernels/conv-gemm';
import { selectBackend } from '../src/core/backend/select';
import { median } from './bench/stats';

interface Case {
  name: string;
  /** One call of the kernel; returns what it made, for disposal. */
  run(): tf.Tensor;
}

function convCases(batch: number, hw: number, cin: number, cout: number): Case[] {
  // Inputs as the encoder hands them over: padded explicitly, convolved 'valid'.
  const x = tf.randomNormal([batch, hw + 2, hw + 2, cin]) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, cin, cout]) as tf.Tensor4D;
  const dy = tf.randomNormal([batch, hw, hw, cout]) as tf.Tensor4D;
  const shape = `x [${x.shape.join(',')}] filter [${filter.shape.join(',')}]`;
  const conv = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 };
  const cases: Case[] = [
    {
      name: `Conv2D ${shape}`,
      // A fresh filter per call, as in training (XNNPACK caches its packed filter per buffer).
      run: () =>
        tf.tidy(() => tf.engine().runKernel(tf.Conv2D, { x, filter: tf.add(filter, 0) }, conv) as tf.Tensor),
    },
    {
      name: `Conv2DBackpropFilter ${shape}`,
      run: () =>
        tf
          .engine()
          .runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...conv, filterShape: filter.shape }) as tf.Tensor,
    },
  ];
  // The first layer's input gradient is never asked for (its input is data).
  if (cin > 1) {
    cases.push({
      name: `Conv2DBackpropInput ${shape}`,
      run: () =>
        tf
          .engine()
          .runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...conv, inputShape: x.shape }) as tf.Tensor,
    });
  }
  return cases;
}

function msPerCall(run: () => tf.Tensor, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    run().dispose();
  }
  return (performance.now() - start) / calls;
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 5);
  await selectBackend('wasm');
  const cases = [...convCases(64, 32, 1, 32), ...convCases(64, 16, 32, 64)];
  console.log(`ms per call, median of ${repeats} interleaved repeats of 5 calls (wasm, 1 thread)`);
  console.log('kernel                                                          gemm   before   before/gemm');
  for (const c of cases) {
    const ours: number[] = [];
    const before: number[] = [];
    for (let r = 0; r < repeats; r++) {
      setConvGemm(true);
      ours.push(msPerCall(c.run, 5));
      setConvGemm(false);
      before.push(msPerCall(c.run, 5));
    }
    setConvGemm(true);
    const [g, b] = [median(ours), median(before)];
    console.log(
      `${c.name.padEnd(60)}${g.toFixed(2).padStart(8)}${b.toFixed(2).padStart(9)}${(b / g).toFixed(2).padStart(13)}×`,
    );
  }
}

void main();
