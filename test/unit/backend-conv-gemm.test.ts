// The convolutions as products of the strided SIMD gemm (kernels/gemm-strided.ts, kernels/conv-gemm.ts): the
// gemm bit for bit against a float32 loop that sums k in order, for row strides wider than the rows, transposed
// A, accumulation and shapes crossing its K and N blocks; Conv2D, Conv2DBackpropFilter and
// Conv2DBackpropInput on wasm against the cpu backend (relative error ≤ 1e-4 of the largest reference value)
// on odd shapes, 'same' / 'valid' / explicit padding, strides 1 and 2, batch 1 and more; the same with the gemm
// switched off, for the paths kept for engines without wasm SIMD.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setConvGemm } from '../../src/core/backend/kernels/conv-gemm';
import {
  assembleStridedGemmModule,
  K_BLOCK,
  N_BLOCK,
  stridedGemm,
  type StridedGemm,
} from '../../src/core/backend/kernels/gemm-strided';
import { selectBackend } from '../../src/core/backend/select';

// These tests hold the plain kernels to the ordered float32 loop bit for bit; the FMA variant, chosen by
// default where relaxed SIMD is on, is held to its error bound in backend-simd-fma.test.ts.
process.env.MLA_WASM_FMA = 'off';

const REL_TOL = 1e-4;
const f = Math.fround;

let backend: BackendWasm;
let gemm: StridedGemm;

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
  backend = tf.backend() as BackendWasm;
  const g = stridedGemm(backend);
  assert.ok(g, 'the strided gemm instantiates on the wasm backend of this Node');
  gemm = g;
});

function filled(size: number, salt: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.613 + salt) * 1.7 + (i % 5) * 0.01);
}

/** Heap buffers holding `arrays` (the last one is C, read back), handed to `use` as byte offsets. */
function onHeap(arrays: Float32Array[], use: (offsets: number[]) => void): Float32Array {
  const infos = arrays.map((values) => {
    const info = backend.makeOutput([values.length], 'float32');
    (backend.typedArrayFromHeap(info) as Float32Array).set(values);
    return info;
  });
  try {
    use(infos.map((info) => backend.dataIdMap.get(info.dataId)!.memoryOffset));
    return Float32Array.from(backend.typedArrayFromHeap(infos[infos.length - 1]) as Float32Array);
  } finally {
    for (const info of infos) backend.disposeData(info.dataId);
  }
}

interface Product {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  /** Row strides in floats (at least the row's length). */
  lda: number;
  ldb: number;
  ldc: number;
  accumulate: boolean;
}

/** C as the gemm promises it: each element the ordered float32 sum over k, continued from C's value. */
function reference(a: Float32Array, b: Float32Array, c0: Float32Array, p: Product): Float32Array {
  const c = Float32Array.from(c0);
  for (let i = 0; i < p.m; i++) {
    for (let j = 0; j < p.n; j++) {
      let s = p.accumulate ? c[i * p.ldc + j] : 0;
      for (let q = 0; q < p.k; q++) {
        const av = p.transA ? a[q * p.lda + i] : a[i * p.lda + q];
        s = f(s + f(av * b[q * p.ldb + j]));
      }
      c[i * p.ldc + j] = s;
    }
  }
  return c;
}

test('the strided gemm module assembles into valid WebAssembly', () => {
  const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(api.validate(assembleStridedGemmModule()));
});

describe('strided gemm = ordered float32 loop, bit for bit', () => {
  const products: Product[] = [];
  for (const transA of [false, true]) {
    for (const accumulate of [false, true]) {
      // Tails of every panel and tile width, strides wider than the rows, and K and N past one block.
      for (const [m, k, n] of [
        [1, 1, 1],
        [3, 5, 7],
        [6, 17, 12],
        [9, 3, 21],
        [7, K_BLOCK + 37, 13],
        [5, 9, N_BLOCK + 11],
      ]) {
        const rowA = transA ? m : k;
        products.push({ m, k, n, transA, lda: rowA + 3, ldb: n + 5, ldc: n + 2, accumulate });
      }
    }
  }
  for (const p of products) {
    test(`${p.transA ? 'Aᵀ·B' : 'A·B'} M ${p.m} K ${p.k} N ${p.n}${p.accumulate ? ', accumulating' : ''}`, () => {
      const a = filled((p.transA ? p.k : p.m) * p.lda, p.m + 0.1 * p.k);
      const b = filled(p.k * p.ldb, p.n + 0.3);
      const c0 = filled(p.m * p.ldc, 7);
      const got = onHeap([a, b, c0], ([pa, pb, pc]) =>
        gemm.gemm({
          a: pa,
          lda: 4 * p.lda,
          transposeA: p.transA,
          b: pb,
          ldb: 4 * p.ldb,
          c: pc,
          ldc: 4 * p.ldc,
          m: p.m,
          k: p.k,
          n: p.n,
          accumulate: p.accumulate,
        }),
      );
      // Padding columns of C beyond N stay as they were.
      assert.deepEqual(got, reference(a, b, c0, p));
    });
  }

  test('K = 0 writes zeros, or leaves C when accumulating', () => {
    const c0 = filled(6, 1);
    const run = (accumulate: boolean) =>
      onHeap([new Float32Array(0), new Float32Array(0), c0], ([pa, pb, pc]) =>
        gemm.gemm({
          a: pa,
          lda: 0,
          transposeA: false,
          b: pb,
          ldb: 12,
          c: pc,
          ldc: 12,
          m: 2,
          k: 0,
          n: 3,
          accumulate,
        }),
      );
    assert.deepEqual(Array.from(run(false)), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(run(true), c0);
  });
});

/** Deterministic values in [-1, 1]. */
function values(shape: number[], salt: number): tf.Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  return tf.tensor(
    Array.from({ length: size }, (_, i) => Math.sin(i * 0.731 + salt * 1.37) * 0.9 + (i % 7) * 1e-3),
    shape,
  );
}

function assertClose(label: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${label}: length`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  assert.ok(scale > 0, `${label}: reference is all zero`);
  assert.ok(diff <= REL_TOL * scale, `${label}: max difference ${diff} against scale ${scale}`);
}

/** Runs `fn` on wasm and on cpu with the same inputs (built inside, so nothing moves between backends). */
async function compare(label: string, fn: () => tf.Tensor): Promise<void> {
  await tf.setBackend('wasm');
  const got = tf.tidy(() => fn().dataSync() as Float32Array);
  await tf.setBackend('cpu');
  const want = tf.tidy(() => fn().dataSync() as Float32Array);
  await tf.setBackend('wasm');
  assertClose(label, got, want);
}

type Pad = 'valid' | 'same' | tf.backend_util.ExplicitPadding;
type Spec = [x: number[], filter: number[], strides: number | [number, number], pad: Pad];

// Single and few channels, filters wider than tall, 1 × 1, strides per axis, a map smaller than 4 rows of tiles.
const SPECS: Spec[] = [
  [[1, 7, 9, 1], [3, 3, 1, 5], 1, 'same'],
  [[3, 9, 7, 2], [3, 3, 2, 4], 1, 'valid'],
  [[2, 9, 8, 3], [3, 3, 3, 4], 2, 'same'],
  [[2, 11, 10, 6], [3, 3, 6, 9], 1, 'same'],
  [[1, 10, 9, 6], [3, 3, 6, 13], 2, 'valid'],
  [[2, 9, 11, 8], [3, 5, 8, 7], [2, 1], 'same'],
  [[3, 8, 8, 16], [1, 1, 16, 10], 2, 'valid'],
  [
    [2, 6, 7, 12],
    [2, 3, 12, 5],
    1,
    [
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 0],
    ],
  ],
  [[2, 18, 18, 32], [3, 3, 32, 64], 1, 'valid'],
];

// Each kernel with the gemm, and on the paths it keeps for engines without wasm SIMD (XNNPACK, stock kernels).
for (const gemmOn of [true, false]) {
  const mode = gemmOn ? 'strided gemm' : 'without the gemm';
  const use = () => setConvGemm(gemmOn);

  describe(`Conv2D on wasm = cpu (${mode})`, () => {
    for (const [xShape, filterShape, strides, pad] of SPECS) {
      test(`x ${xShape} filter ${filterShape} stride ${strides} pad ${JSON.stringify(pad)}`, async () => {
        use();
        await compare('conv2d', () =>
          tf.conv2d(values(xShape, 1) as tf.Tensor4D, values(filterShape, 2) as tf.Tensor4D, strides, pad),
        );
      });
    }
  });

  describe(`Conv2DBackpropFilter on wasm = cpu (${mode})`, () => {
    for (const [xShape, filterShape, strides, pad] of SPECS) {
      test(`x ${xShape} filter ${filterShape} stride ${strides} pad ${JSON.stringify(pad)}`, async () => {
        use();
        await compare('filter gradient', () => {
          const x = values(xShape, 1) as tf.Tensor4D;
          const y = tf.conv2d(x, values(filterShape, 2) as tf.Tensor4D, strides, pad);
          const dy = values(y.shape, 3);
          return tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, strides, pad), dy)))(
            values(filterShape, 2),
          );
        });
      });
    }
  });

  describe(`Conv2DBackpropInput on wasm = cpu (${mode})`, () => {
    for (const [xShape, filterShape, strides, pad] of SPECS) {
      test(`x ${xShape} filter ${filterShape} stride ${strides} pad ${JSON.stringify(pad)}`, async () => {
        use();
        await compare('input gradient', () => {
          const w = values(filterShape, 2) as tf.Tensor4D;
          const y = tf.conv2d(values(xShape, 1) as tf.Tensor4D, w, strides, pad);
          const dy = values(y.shape, 3);
          return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w, strides, pad), dy)))(
            values(xShape, 1),
          );
        });
      });
    }
  });
}

after(() => setConvGemm(true));
