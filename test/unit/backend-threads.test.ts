// Kernel threads (backend/wasm-threaded.ts, kernels/kernel-pool.ts, kernels/kernel-threads.ts): on the threaded
// build's shared heap, products, batched products and the three convolutions give the same bits on 2 and 3
// threads as on one; a worker that traps fails the call with its reason; where the thread count comes from.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { heapIsShared } from '../../src/core/backend/kernels/wasm-assembler';
import { kernelPool, setKernelThreads } from '../../src/core/backend/kernels/kernel-threads';
import { setParallelMinWork, stridedGemm } from '../../src/core/backend/kernels/gemm-strided';
import { resolveThreads, setWasmThreads, threadsPerRun } from '../../src/core/backend/threads';
import { tryWasmBackend } from '../../src/core/backend/wasm';

let backend: BackendWasm;
let reason = '';

before(async () => {
  setWasmThreads({ count: 2, why: 'the test' });
  const result = await tryWasmBackend();
  assert.ok(result.ok, result.reason);
  reason = result.reason;
  backend = tf.backend() as BackendWasm;
  // Every product is spread, however small: the odd shapes below are the ones that test the bands' edges.
  setParallelMinWork(0);
});

after(() => {
  setKernelThreads(1);
  setParallelMinWork(null);
});

/** The same computation's outputs on `threads` kernel threads. */
function on(threads: number, compute: () => tf.Tensor[]): Float32Array[] {
  setKernelThreads(threads);
  return tf.tidy(compute).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(values);
  });
}

function sameBits(a: Float32Array[], b: Float32Array[], what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => {
    const y = b[i]!;
    assert.equal(x.length, y.length, `${what}: output ${i} length`);
    const bx = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const by = new Uint32Array(y.buffer, y.byteOffset, y.length);
    const first = bx.findIndex((v, k) => v !== by[k]);
    assert.equal(first, -1, `${what}: output ${i} differs first at ${first}: ${x[first]} vs ${y[first]}`);
  });
}

const random = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

describe('kernel threads on the threaded wasm build', () => {
  test('the backend runs on a shared heap with a pool of 2 threads and says so', () => {
    assert.ok(heapIsShared(backend), 'the threaded build keeps its heap in a SharedArrayBuffer');
    setKernelThreads(2);
    assert.equal(kernelPool(backend)?.threads, 2);
    assert.match(reason, /kernels on 2 threads, the test/);
  });

  test('loading it again, as auto does to time it, keeps the same backend, on which XNNPACK still runs', async () => {
    const again = await tryWasmBackend();
    assert.ok(again.ok, again.reason);
    assert.equal(tf.backend(), backend, 'the second load reuses the instance of the first');
    // A second instance of the threaded build aborted in XNNPACK's first Transpose (the conv encoders' layout).
    const x = tf.tensor4d(
      Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i),
      [2, 3, 4, 5],
    );
    const y = tf.transpose(x, [0, 2, 3, 1]);
    const values = y.dataSync();
    tf.dispose([x, y]);
    // y[n][h][w][c] = x[n][c][h][w] = n*60 + c*20 + h*5 + w.
    assert.equal(values[0 * 60 + 1 * 15 + 2 * 3 + 1], 0 * 60 + 1 * 20 + 1 * 5 + 2);
    assert.equal(values[1 * 60 + 0 * 15 + 4 * 3 + 0], 1 * 60 + 0 * 20 + 0 * 5 + 4);
  });

  for (const threads of [2, 3]) {
    test(`products on ${threads} threads give the bits of one thread`, () => {
      const shapes: [number, number, number][] = [
        [64, 649, 128],
        [61, 76, 130],
        [5, 300, 257],
        [256, 64, 128],
      ];
      const compute = () =>
        shapes.flatMap(([m, k, n], s) => {
          const a = random([m, k], s);
          const at = random([k, m], s + 10);
          const b = random([k, n], s + 20);
          const bt = random([n, k], s + 30);
          return [tf.matMul(a, b), tf.matMul(at, b, true, false), tf.matMul(a, bt, false, true)];
        });
      sameBits(on(threads, compute), on(1, compute), `${threads} threads`);
    });

    test(`batched products (attention's shapes) on ${threads} threads give the bits of one thread`, () => {
      const compute = () => {
        const q = random([8, 16, 16], 1);
        const k = random([8, 16, 16], 2);
        const v = random([8, 16, 64], 3);
        const scores = tf.matMul(q, k, false, true);
        return [scores, tf.matMul(scores, v), tf.matMul(scores, v, true, false)];
      };
      sameBits(on(threads, compute), on(1, compute), `${threads} threads`);
    });

    test(`convolutions and their gradients on ${threads} threads give the bits of one thread`, () => {
      const compute = () => {
        const x = random([6, 17, 15, 3], 4) as tf.Tensor4D;
        const w = random([3, 3, 3, 32], 5) as tf.Tensor4D;
        const [value, grads] = [
          tf.conv2d(x, w, 1, 'same'),
          tf.grads((xs: tf.Tensor, ws: tf.Tensor) =>
            tf
              .conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 2, 'valid')
              .square()
              .sum(),
          )([x, w]),
        ];
        return [value, ...grads];
      };
      sameBits(on(threads, compute), on(1, compute), `${threads} threads`);
    });
  }

  test('a task that traps fails the call with its reason, whichever thread ran it, and the pool keeps working', () => {
    setKernelThreads(2);
    const pool = kernelPool(backend)!;
    const e = stridedGemm(backend)!;
    // One real product first, so the pool has the gemm module loaded.
    on(2, () => [tf.matMul(random([64, 256], 1), random([256, 64], 2))]);
    const gemmIds = [...(pool as unknown as { loaded: Map<object, number[]> }).loaded.values()][0]!;
    // C at the top of the 4 GiB address space: every store is out of bounds.
    const outOfBounds = { fn: gemmIds[0]!, args: [0, 0, 0x7ffffff0, 8, 8, 8, 32, 32, 32, 0] };
    // Either thread may claim the failing tasks; over 20 rounds both do.
    for (let round = 0; round < 20; round++) {
      assert.throws(
        () => pool.run([[], [outOfBounds], [], [outOfBounds]]),
        /^Error: a kernel task failed: RuntimeError: memory access out of bounds/,
      );
    }
    assert.ok(e);
    const again = on(2, () => [tf.matMul(random([64, 256], 1), random([256, 64], 2))]);
    sameBits(
      again,
      on(1, () => [tf.matMul(random([64, 256], 1), random([256, 64], 2))]),
      'after a failure',
    );
  });
});

describe('where the thread count comes from', () => {
  test("--threads, then a number in the config, then the launcher's share, then every core", () => {
    const env = { MLA_THREADS: '3' };
    assert.deepEqual(resolveThreads(2, 4, env, 8).count, 2);
    assert.deepEqual(resolveThreads(undefined, 4, env, 8).count, 4);
    assert.deepEqual(resolveThreads(undefined, 'auto', env, 8).count, 3);
    assert.deepEqual(resolveThreads(undefined, 'auto', {}, 8), {
      count: 8,
      why: 'every core of this machine (8)',
    });
    assert.equal(
      resolveThreads(undefined, 'auto', { MLA_THREADS: '0' }, 8).count,
      8,
      'a share of 0 is ignored',
    );
  });

  test('runs training at once share the cores, each at least one', () => {
    assert.equal(threadsPerRun(1, 16), 16);
    assert.equal(threadsPerRun(3, 16), 5);
    assert.equal(threadsPerRun(2, 2), 1);
    assert.equal(threadsPerRun(4, 2), 1);
  });
});
