// Measures wasm MLP training speed with the stock BatchMatMul (docs/architecture.md, the compute platform: backprop matmuls fall to a scalar
// loop) and with the project's (kernels/batch-matmul.ts: the SIMD gemm, XNNPACK for large products). Batch 64, 240 → 256 → 128 → 10, SGD momentum.
//   node --import tsx scripts/bench-matmul.ts [seconds-per-variant]
import * as tf from '@tensorflow/tfjs';
import { setFastBatchMatMul } from '../src/core/backend/kernels/register';
import { selectBackend } from '../src/core/backend/select';
import { buildEncoder, buildHead } from '../src/core/model/build';
import { Rng } from '../src/core/util/random';

const BATCH = 64;
const INPUT = 240;
const CLASSES = 10;

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 3);
  await selectBackend('wasm');
  const rng = Rng.fromSeed(0, 'bench');
  const encoder = buildEncoder(
    'x',
    [INPUT],
    { type: 'mlp', hidden: [256], dropout: 0, activation: 'relu' },
    128,
    rng,
  );
  const head = buildHead(128, CLASSES, rng);
  const vars = [...encoder.trainable, head.kernel, head.bias].map((p) => p.variable);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const x = tf.randomNormal([BATCH, INPUT], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32', 2), CLASSES);

  const step = (seed: number) =>
    tf.tidy(() => {
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, head.apply(encoder.apply(x, { training: true, seed }))),
        false,
        vars,
      );
    });

  const measure = (fast: boolean): number => {
    setFastBatchMatMul(fast);
    for (let i = 0; i < 20; i++) step(i);
    let steps = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) step(steps++);
    // Reading one value waits for the queued work (a no-op on wasm, which is synchronous).
    vars[0].dataSync();
    return steps / ((performance.now() - start) / 1000);
  };

  console.log(`wasm MLP training step, batch ${BATCH}, ${INPUT}→256→128→${CLASSES}, SGD momentum:`);
  // Alternating rounds, so machine load and JIT warm-up hit both variants alike.
  for (let round = 1; round <= 2; round++) {
    const stock = measure(false);
    const fast = measure(true);
    console.log(
      `  round ${round}: stock BatchMatMul ${stock.toFixed(1)} steps/s, project BatchMatMul ` +
        `${fast.toFixed(1)} steps/s (x${(fast / stock).toFixed(2)})`,
    );
  }
}

void main();
