// The kernels the project registers on the wasm backend, each checked against the cpu backend (relative error
// ≤ 1e-4 of the largest reference value), with tf's kernel memory-leak check switched on.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { setFastBatchMatMul } from '../../src/core/backend/kernels/register';
import { selectBackend } from '../../src/core/backend/select';

const REL_TOL = 1e-4;

/** Runs `f` on wasm and on cpu with the same inputs (plain arrays, so nothing moves between backends). */
async function compare(label: string, f: () => tf.Tensor, tolerance = REL_TOL): Promise<Float32Array> {
  await tf.setBackend('wasm');
  const got = tf.tidy(() => f().dataSync() as Float32Array);
  await tf.setBackend('cpu');
  const want = tf.tidy(() => f().dataSync() as Float32Array);
  await tf.setBackend('wasm');
  assertClose(label, got, want, tolerance);
  return got;
}

function assertClose(
  label: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance = REL_TOL,
): void {
  assert.equal(got.length, want.length, `${label}: length`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  assert.ok(scale > 0, `${label}: reference is all zero`);
  assert.ok(diff <= tolerance * scale, `${label}: max difference ${diff} against scale ${scale}`);
}

/** Deterministic values in [-1, 1] that are never tied. */
function values(shape: number[], salt: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: size }, (_, i) => Math.sin(i * 0.731 + salt * 1.37) * 0.9 + (i % 7) * 1e-3),
    shape,
  );
}

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

describe('Conv2DBackpropFilter', () => {
  const specs: [
    number[],
    number[],
    number | [number, number],
    'valid' | 'same' | tf.backend_util.ExplicitPadding,
  ][] = [
    [[2, 9, 7, 3], [3, 3, 3, 4], 1, 'valid'],
    [[2, 9, 7, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 9, 8, 3], [3, 3, 3, 4], 2, 'same'],
    [[2, 9, 8, 3], [3, 3, 3, 4], 2, 'valid'],
    [
      [3, 12, 10, 2],
      [7, 7, 2, 5],
      2,
      [
        [0, 0],
        [3, 3],
        [3, 3],
        [0, 0],
      ],
    ],
    [[2, 9, 7, 4], [1, 1, 4, 6], 2, 'valid'],
    [
      [2, 1, 11, 3],
      [1, 4, 3, 5],
      1,
      [
        [0, 0],
        [0, 0],
        [1, 2],
        [0, 0],
      ],
    ],
    [[2, 10, 9, 3], [3, 2, 3, 2], [2, 3], 'valid'],
  ];
  for (const [xShape, filterShape, strides, pad] of specs) {
    test(`x ${xShape} filter ${filterShape} stride ${strides} pad ${JSON.stringify(pad)}`, async () => {
      await compare('filter gradient', () => {
        const x = values(xShape, 1) as tf.Tensor4D;
        const y = tf.conv2d(x, values(filterShape, 2) as tf.Tensor4D, strides, pad);
        const dy = values(y.shape, 3);
        return tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, strides, pad), dy)))(
          values(filterShape, 2),
        );
      });
    });
  }

  test('dilations (called directly; tf gradients never ask for them) match a direct sum', async () => {
    await tf.setBackend('wasm');
    const [n, h, w, ci, co, k, d] = [2, 8, 7, 2, 3, 3, 2];
    const x = values([n, h, w, ci], 4);
    const outH = h - (k - 1) * d;
    const outW = w - (k - 1) * d;
    const dy = values([n, outH, outW, co], 5);
    const got = (
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x, dy },
          { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [k, k, ci, co], dilations: d },
        ) as tf.Tensor
    ).dataSync();
    const xs = x.dataSync();
    const dys = dy.dataSync();
    const want = new Float32Array(k * k * ci * co);
    for (let kh = 0; kh < k; kh++)
      for (let kw = 0; kw < k; kw++)
        for (let c = 0; c < ci; c++)
          for (let o = 0; o < co; o++) {
            let sum = 0;
            for (let b = 0; b < n; b++)
              for (let oh = 0; oh < outH; oh++)
                for (let ow = 0; ow < outW; ow++) {
                  sum +=
                    xs[((b * h + oh + kh * d) * w + ow + kw * d) * ci + c] *
                    dys[((b * outH + oh) * outW + ow) * co + o];
                }
            want[((kh * k + kw) * ci + c) * co + o] = sum;
          }
    assertClose('dilated filter gradient', got, want);
  });
});

describe('Conv2DBackpropInput', () => {
  const specs: [
    number[],
    number[],
    number | [number, number],
    'valid' | 'same' | tf.backend_util.ExplicitPadding,
  ][] = [
    [[2, 9, 7, 3], [3, 3, 3, 4], 1, 'valid'],
    [[2, 9, 7, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 8, 8, 3], [4, 4, 3, 2], 1, 'same'],
    [
      [2, 1, 11, 3],
      [1, 4, 3, 5],
      1,
      [
        [0, 0],
        [0, 0],
        [1, 2],
        [0, 0],
      ],
    ],
    [
      [2, 9, 8, 3],
      [3, 3, 3, 4],
      1,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    ],
    [
      [2, 6, 6, 2],
      [3, 3, 2, 3],
      1,
      [
        [0, 0],
        [3, 0],
        [0, 4],
        [0, 0],
      ],
    ],
    [
      [2, 9, 8, 3],
      [3, 3, 3, 4],
      2,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    ],
    [[2, 12, 10, 2], [7, 7, 2, 5], 2, 'same'],
  ];
  for (const [xShape, filterShape, strides, pad] of specs) {
    test(`x ${xShape} filter ${filterShape} stride ${strides} pad ${JSON.stringify(pad)}`, async () => {
      await compare('input gradient', () => {
        const filter = values(filterShape, 2) as tf.Tensor4D;
        const y = tf.conv2d(values(xShape, 1) as tf.Tensor4D, filter, strides, pad);
        const dy = values(y.shape, 3);
        return tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, filter, strides, pad), dy)),
        )(values(xShape, 1));
      });
    });
  }
});

describe('UnsortedSegmentSum', () => {
  test('float32 rows, ids repeated, unused and out of range', async () => {
    const sums = await compare('segment sum', () =>
      tf.unsortedSegmentSum(values([6, 3], 1), tf.tensor1d([2, 0, 2, 4, -1, 0], 'int32'), 5),
    );
    assert.deepEqual(Array.from(sums.slice(3, 6)), [0, 0, 0]);
  });

  test('int32 values', async () => {
    const sums = await compare('int segment sum', () =>
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), tf.tensor1d([1, 1, 0, 2, 1], 'int32'), 3),
    );
    assert.deepEqual(Array.from(sums), [3, 8, 4]);
  });

  test('the backward pass of tf.gather (an embedding lookup)', async () => {
    await compare('gather gradient', () => {
      const table = values([7, 4], 2);
      const ids = tf.tensor2d(
        [
          [1, 3, 1],
          [6, 0, 1],
        ],
        [2, 3],
        'int32',
      );
      const weights = values([2, 3, 4], 3);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
    });
  });
});

describe('MaxPoolGrad (stock wasm one routes all-negative windows to their first element)', () => {
  test('a window of negatives sends the gradient to its maximum', async () => {
    const grad = await compare('all-negative window', () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(
        tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]),
      ),
    );
    assert.deepEqual(Array.from(grad), [0, 1, 0, 0]);
  });

  const specs: [number[], number, number, 'valid' | 'same' | number][] = [
    [[2, 7, 6, 3], 2, 2, 'valid'],
    [[3, 8, 6, 5], 2, 2, 'valid'],
    [[2, 16, 16, 8], 2, 2, 'valid'],
    [[2, 9, 9, 4], 3, 2, 'same'],
    [[2, 9, 8, 4], 3, 2, 1],
    [[1, 5, 5, 2], 3, 1, 'valid'],
  ];
  // C = 1 runs the JS loop, C = 4 the SIMD one (four channels at a time); channel j shifts the windows by j.
  for (const C of [1, 4]) {
    test(`2×2 windows with ties and all-negative windows, ${C} channel(s): the first maximum takes the gradient`, async () => {
      // One window per column pair, values in order (0,0), (0,1), (1,0), (1,1): every pair of positions tied
      // at the maximum, all four tied, negatives, and strict orders. The first maximum of each is at `first`.
      const windows = [
        [1, 1, 0, 0],
        [1, 0, 1, 0],
        [1, 0, 0, 1],
        [0, 1, 1, 0],
        [0, 1, 0, 1],
        [0, 0, 1, 1],
        [2, 2, 2, 2],
        [-3, -1, -1, -4],
        [-2, -5, -6, -2],
        [0, 1, 2, 0],
        [0, 1, 2, 3],
        [0, 2, 1, 0],
        [3, 2, 1, 0],
        [0, 1, 1, 2],
        [2, 1, 3, 3],
      ];
      const first = [0, 0, 0, 1, 1, 2, 0, 1, 0, 2, 3, 1, 0, 3, 2];
      const W = windows.length;
      const index = (pos: number, k: number, j: number) =>
        [2 * k, 2 * k + 1, 2 * W + 2 * k, 2 * W + 2 * k + 1][pos]! * C + j;
      const x = new Float32Array(4 * W * C);
      const expected = new Float32Array(4 * W * C);
      const dy = new Float32Array(W * C);
      for (let k = 0; k < W; k++) {
        for (let j = 0; j < C; j++) {
          const w = (k + j) % W;
          windows[w]!.forEach((v, pos) => (x[index(pos, k, j)] = v));
          dy[k * C + j] = 1 + k * C + j;
          expected[index(first[w]!, k, j)] = 1 + k * C + j;
        }
      }
      const grad = await compare(`max-pool gradient with ties, ${C} channel(s)`, () =>
        tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d(dy, [1, 1, W, C]))),
        )(tf.tensor4d(x, [1, 2, 2 * W, C])),
      );
      assert.deepEqual(Array.from(grad), Array.from(expected));
    });
  }

  for (const [shape, size, stride, pad] of specs) {
    test(`x ${shape} window ${size} stride ${stride} pad ${pad}`, async () => {
      await compare('max-pool gradient', () => {
        const x = tf.mul(values(shape, 1), values(shape, 2));
        const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
        const dy = values(y.shape, 3);
        return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, size, stride, pad), dy)))(
          x,
        );
      });
    });
  }
});

// The project's BatchMatMul: the SIMD gemm (kernels/simd-gemm.ts) for these sizes, which sums in float32 in
// order, so it stays within 1e-5 of cpu; the stock kernel (XNNPACK or its scalar loop) within the same.
describe('project BatchMatMul', () => {
  const MATMUL_TOL = 1e-5;
  const specs: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[4, 5, 7], [4, 7, 3], false, false],
    [[4, 7, 5], [4, 3, 7], true, true],
    [[4, 5, 7], [7, 3], false, false],
    [[4, 7, 5], [3, 7], true, true],
    [[4, 5, 7], [1, 7, 3], false, false],
    [[2, 3, 5, 6], [2, 3, 5, 6], false, true],
    [[2, 3, 5, 6], [2, 3, 5, 4], true, false],
    // Tails of every gemm tile (rows by 4 and 1, columns by 8, 4 and 1), and training's shapes.
    [[67, 33], [33, 21], false, false],
    [[33, 67], [33, 21], true, false],
    [[67, 33], [21, 33], false, true],
    [[33, 67], [21, 33], true, true],
    [[64, 128], [256, 128], false, true],
    [[3, 9, 13], [3, 13, 12], false, false],
    [[3, 13, 9], [3, 12, 13], true, true],
    [[2, 4, 16, 8], [2, 4, 16, 8], false, true],
    [[3, 9, 13], [13, 12], false, false],
    [[9, 13], [3, 13, 12], false, false],
    [[3, 13, 9], [1, 13, 12], true, false],
  ];
  for (const [aShape, bShape, ta, tb] of specs) {
    test(`${JSON.stringify(aShape)}${ta ? 'ᵀ' : ''} · ${JSON.stringify(bShape)}${tb ? 'ᵀ' : ''}`, async () => {
      const product = () => tf.matMul(values(aShape, 1), values(bShape, 2), ta, tb);
      const fast = await compare('matmul', product, MATMUL_TOL);
      setFastBatchMatMul(false);
      try {
        const stock = tf.tidy(() => product().dataSync());
        assertClose('stock vs fast', fast, stock, MATMUL_TOL);
      } finally {
        setFastBatchMatMul(true);
      }
    });
  }

  test('the shape of the result keeps every batch axis', async () => {
    await tf.setBackend('wasm');
    const out = tf.matMul(tf.ones([2, 3, 4, 5]), tf.ones([5, 6]));
    assert.deepEqual(out.shape, [2, 3, 4, 6]);
    assert.ok(out.dataSync().every((v) => v === 5));
    out.dispose();
  });
});
