// Milliseconds per call of the wasm convolution kernels on the benchmark's conv2d encoder shapes (workload (c)'s
// two layers, then ResNet-18's kinds), with the strided SIMD gemm (src/core/backend/kernels/
// conv-gemm.ts) and without it (XNNPACK / stock paths), interleaved in one process. Single thread. Times are
// the process's CPU time, not wall time, so that other jobs on a shared machine weigh less on them.
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

/** One conv layer as the encoders hand it over: x padded explicitly, convolved 'valid'. */
interface Layer {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  /** Whether training asks for its input gradient (not for a first layer, whose input is data). */
  inputGradient: boolean;
}

function convCases({ x: xShape, filter: filterShape, stride, inputGradient }: Layer): Case[] {
  const x = tf.randomNormal(xShape) as tf.Tensor4D;
  const filter = tf.randomNormal(filterShape) as tf.Tensor4D;
  const outHW = (n: number) => Math.floor((n - filterShape[0]) / stride) + 1;
  const dy = tf.randomNormal([xShape[0], outHW(xShape[1]), outHW(xShape[2]), filterShape[3]]) as tf.Tensor4D;
  const shape = `x [${xShape.join(',')}] filter [${filterShape.join(',')}]${stride > 1 ? ` /${stride}` : ''}`;
  const conv = { strides: stride, pad: 'valid', dataFormat: 'NHWC', dilations: 1 };
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
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...conv, filterShape }) as tf.Tensor,
    },
  ];
  if (inputGradient) {
    cases.push({
      name: `Conv2DBackpropInput ${shape}`,
      run: () =>
        tf
          .engine()
          .runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...conv, inputShape: xShape }) as tf.Tensor,
    });
  }
  return cases;
}

/** Workload (c)'s two layers at its batch of 64, then ResNet-18's (workload (e)) kinds of layer at batch 8. */
const LAYERS: Layer[] = [
  { x: [64, 34, 34, 1], filter: [3, 3, 1, 32], stride: 1, inputGradient: false },
  { x: [64, 18, 18, 32], filter: [3, 3, 32, 64], stride: 1, inputGradient: true },
  { x: [8, 70, 70, 3], filter: [7, 7, 3, 64], stride: 2, inputGradient: false },
  { x: [8, 18, 18, 64], filter: [3, 3, 64, 64], stride: 1, inputGradient: true },
  { x: [8, 18, 18, 64], filter: [3, 3, 64, 128], stride: 2, inputGradient: true },
  { x: [8, 16, 16, 64], filter: [1, 1, 64, 128], stride: 2, inputGradient: true },
];

/** CPU milliseconds (user + system) per call. */
function msPerCall(run: () => tf.Tensor, calls: number): number {
  run().dispose();
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) run().dispose();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 5);
  await selectBackend('wasm');
  const cases = LAYERS.flatMap(convCases);
  console.log(`CPU ms per call, median of ${repeats} interleaved repeats of 5 calls (wasm, 1 thread)`);
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
