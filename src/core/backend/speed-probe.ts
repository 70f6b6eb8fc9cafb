// A quick speed probe of the active backend for `mla doctor`: the best matmul throughput over growing square
// sizes, and the step time of a fixed MLP (784-512-256-10, Adam, batch 64). Every timing ends with an
// asynchronous read, so a GPU's queued work is counted, and the first run of each shape (where a GPU compiles
// its shaders) is left out.
import * as tf from '@tensorflow/tfjs';

export interface SpeedFigures {
  /** Best over the sizes that fitted the budget. */
  matmulGflops: number;
  matmulSize: number;
  /** Median over the timed steps. */
  mlpStepMs: number;
}

const SIZES = [256, 512, 1024, 2048, 4096];

export async function probeSpeed(
  budgetMs: number,
  now: () => number = () => performance.now(),
): Promise<SpeedFigures> {
  const start = now();
  let best = { gflops: 0, size: 0 };
  for (const n of SIZES) {
    const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
    const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
    let single: number;
    try {
      const warm = tf.matMul(a, b); // compiles the kernel for this shape
      await warm.data();
      warm.dispose();
      let t0 = now();
      const one = tf.matMul(a, b);
      await one.data();
      one.dispose();
      single = Math.max(now() - t0, 1e-3);
      // Queued back to back with one read at the end, as training runs them: on a GPU, reading back every
      // product would measure the transfer rather than the matmul.
      const repeats = Math.max(1, Math.min(50, Math.floor(budgetMs / 10 / single)));
      t0 = now();
      let c: tf.Tensor | null = null;
      for (let i = 0; i < repeats; i++) {
        const next = tf.matMul(a, b);
        c?.dispose();
        c = next;
      }
      await c!.data();
      c!.dispose();
      const seconds = (now() - t0) / 1000;
      const gflops = (2 * n ** 3 * repeats) / seconds / 1e9;
      if (gflops > best.gflops) best = { gflops, size: n };
    } finally {
      tf.dispose([a, b]);
    }
    // The next size costs about 8× per product (a warm-up and at least one timed): half the budget is the matmuls'.
    const next = 8 * single + Math.max(budgetMs / 10, 8 * single);
    if (now() - start + next > budgetMs / 2) break;
  }
  const mlpStepMs = await mlpStep(Math.max(0, budgetMs - (now() - start)), now);
  return { matmulGflops: round(best.gflops, 2), matmulSize: best.size, mlpStepMs: round(mlpStepMs, 3) };
}

async function mlpStep(budgetMs: number, now: () => number): Promise<number> {
  const widths = [784, 512, 256, 10];
  const weights = widths
    .slice(1)
    .map((w, i) => tf.variable(tf.randomNormal([widths[i], w], 0, 0.05, 'float32', i)));
  const biases = widths.slice(1).map((w) => tf.variable(tf.zeros([w])));
  const x = tf.randomNormal([64, 784], 0, 1, 'float32', 7);
  const labels = new Float32Array(64 * 10);
  for (let i = 0; i < 64; i++) labels[i * 10 + (i % 10)] = 1;
  const y = tf.tensor2d(labels, [64, 10]);
  const optimizer = tf.train.adam(1e-3);
  const step = async () => {
    const cost = optimizer.minimize(() => {
      let h: tf.Tensor = x;
      weights.forEach((w, i) => {
        h = tf.add(tf.matMul(h, w), biases[i]);
        if (i < weights.length - 1) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(y, h as tf.Tensor2D) as tf.Scalar;
    }, true);
    await cost!.data();
    cost!.dispose();
  };
  try {
    await step();
    await step();
    const times: number[] = [];
    const start = now();
    do {
      const t0 = now();
      await step();
      times.push(now() - t0);
    } while (now() - start < budgetMs && times.length < 50);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    optimizer.dispose();
    tf.dispose([...weights, ...biases, x, y]);
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
