// Kernel threads against one thread, per operation, interleaved in one process (the threaded build, the pool
// switched between 1 and N threads at every round): the training shapes of the benchmark's workloads (the MLP
// products of handwritten, the convolutions of (c), the attention products of (d)). Prints ms per call and
// the N-thread / 1-thread ratio (median over rounds, with its spread).
// `--min-work W` spreads products from W multiply-adds (default: the trainer's own threshold).
//   node --import tsx scripts/bench-threads.ts [--threads N] [--rounds R] [--min-work W]
import * as tf from '@tensorflow/tfjs';
import { PARALLEL_MIN_WORK, setParallelMinWork } from '../src/core/backend/kernels/gemm-strided';
import { setKernelThreads } from '../src/core/backend/kernels/kernel-threads';
import { availableCores, setWasmThreads } from '../src/core/backend/threads';
import { tryWasmBackend } from '../src/core/backend/wasm';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const THREADS = arg('threads', Math.max(2, availableCores()));
const ROUNDS = arg('rounds', 7);
const MIN_WORK = arg('min-work', PARALLEL_MIN_WORK);

interface Case {
  name: string;
  run: () => tf.Tensor | tf.Tensor[];
}

const u = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

function cases(): Case[] {
  const out: Case[] = [];
  for (const [m, k, n] of [
    [64, 649, 256],
    [64, 240, 256],
    [64, 256, 128],
    [649, 64, 256],
    [64, 128, 10],
  ] as const) {
    const a = u([m, k], 1);
    const b = u([k, n], 2);
    out.push({ name: `matMul ${m}×${k}·${k}×${n}`, run: () => tf.matMul(a, b) });
  }
  const x = u([64, 32, 32, 1], 3) as tf.Tensor4D;
  const w1 = u([3, 3, 1, 32], 4) as tf.Tensor4D;
  const h = u([64, 16, 16, 32], 5) as tf.Tensor4D;
  const w2 = u([3, 3, 32, 64], 6) as tf.Tensor4D;
  const dy2 = u([64, 16, 16, 64], 7);
  out.push({ name: 'conv2d 64×32×32×1 → 32', run: () => tf.conv2d(x, w1, 1, 'same') });
  out.push({ name: 'conv2d 64×16×16×32 → 64', run: () => tf.conv2d(h, w2, 1, 'same') });
  out.push({
    name: 'conv2d 64×16×16×32 → 64 forward + both gradients',
    run: () =>
      tf.grads((hs: tf.Tensor, ws: tf.Tensor) =>
        tf
          .conv2d(hs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same')
          .mul(dy2)
          .sum(),
      )([h, w2]),
  });
  const q = u([256, 16, 16], 8);
  const v = u([256, 16, 16], 9);
  out.push({ name: 'batched matMul 256 × 16×16·16×16', run: () => tf.matMul(q, v, false, true) });
  return out;
}

function timeIt(c: Case, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = c.run();
    for (const t of Array.isArray(r) ? r : [r]) t.dispose();
  }
  return (performance.now() - start) / reps;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  setWasmThreads({ count: THREADS, why: 'the benchmark' });
  setParallelMinWork(MIN_WORK);
  const loaded = await tryWasmBackend();
  if (!loaded.ok) throw new Error(loaded.reason);
  console.log(
    `kernel threads: ${THREADS} against 1, ${ROUNDS} interleaved rounds, products spread from ${MIN_WORK} ` +
      `multiply-adds (${loaded.reason.split('; ').pop()})`,
  );
  console.log(['operation', '1 thread ms', `${THREADS} threads ms`, 'ratio', 'spread'].join('\t'));
  for (const c of cases()) {
    setKernelThreads(1);
    const single = timeIt(c, 3);
    const reps = Math.max(5, Math.min(500, Math.round(50 / Math.max(single, 0.01))));
    const ones: number[] = [];
    const many: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      setKernelThreads(1);
      ones.push(timeIt(c, reps));
      setKernelThreads(THREADS);
      many.push(timeIt(c, reps));
    }
    const ratios = ones.map((o, i) => many[i]! / o);
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(
      [
        c.name,
        median(ones).toFixed(3),
        median(many).toFixed(3),
        `${median(ratios).toFixed(2)}×`,
        `${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)}`,
      ].join('\t'),
    );
  }
  setKernelThreads(1);
}

void main().then(() => process.exit(0));
