// The SIMD products of kernels/simd-gemm.ts: bit-exact against a float32 loop that sums k in order (the gemm
// promises that order whatever tile computes an element), across every tile shape and tail. The BatchMatMul
// built on them is checked against the cpu backend in backend-kernels.test.ts.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assembleGemmModule, simdGemm, type SimdGemm } from '../../src/core/backend/kernels/simd-gemm';
import { selectBackend } from '../../src/core/backend/select';

// These tests hold the plain kernels to the ordered float32 loop bit for bit; the FMA variant, chosen by
// default where relaxed SIMD is on, is held to its error bound in backend-simd-fma.test.ts.
process.env.MLA_WASM_FMA = 'off';

const f = Math.fround;

/** C = op(A)·B in float32, k summed in order: A stored [M, K], or [K, M] when transposed. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean) {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = f(s + f((transA ? a[p * m + i] : a[i * k + p]) * b[p * n + j]));
      c[i * n + j] = s;
    }
  }
  return c;
}

function filled(size: number, salt: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.613 + salt) * 1.7 + (i % 5) * 0.01);
}

let backend: BackendWasm;
let gemm: SimdGemm;

/** Heap buffers holding `arrays`, handed to `use` as byte offsets; released after. */
function onHeap(arrays: Float32Array[], outSize: number, use: (offsets: number[]) => void): Float32Array {
  const infos = [...arrays, new Float32Array(outSize)].map((values) => {
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

before(async () => {
  await selectBackend('wasm');
  backend = tf.backend() as BackendWasm;
  const g = simdGemm(backend);
  assert.ok(g, 'the SIMD gemm instantiates on the wasm backend of this Node');
  gemm = g;
});

test('the gemm module assembles into valid WebAssembly', () => {
  const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(api.validate(assembleGemmModule()));
});

describe('simd gemm = ordered float32 loop, bit for bit', () => {
  // M: 4-, 2- and 1-row panels; N: 8- and 4-wide tiles and single columns; K from 1.
  const ms = [1, 3, 4, 6, 9];
  const ks = [1, 5, 16];
  const ns = [1, 3, 4, 8, 11, 13, 20];
  for (const transA of [false, true]) {
    test(`${transA ? 'Aᵀ·B' : 'A·B'} for M ${ms}, K ${ks}, N ${ns}`, () => {
      let checked = 0;
      for (const m of ms) {
        for (const k of ks) {
          for (const n of ns) {
            const a = filled(m * k, m + 0.1 * k);
            const b = filled(k * n, n + 0.3);
            const got = onHeap([a, b], m * n, ([pa, pb, pc]) => gemm.gemm(pa, pb, pc, m, k, n, transA));
            assert.deepEqual(got, reference(a, b, m, k, n, transA), `M ${m} K ${k} N ${n}`);
            checked++;
          }
        }
      }
      assert.equal(checked, ms.length * ks.length * ns.length);
    });
  }

  test('a training-sized product: [64, 240] · [240, 256]', () => {
    const [m, k, n] = [64, 240, 256];
    const a = filled(m * k, 1);
    const b = filled(k * n, 2);
    const got = onHeap([a, b], m * n, ([pa, pb, pc]) => gemm.gemm(pa, pb, pc, m, k, n, false));
    assert.deepEqual(got, reference(a, b, m, k, n, false));
  });

  test('K = 0 gives zeros', () => {
    const got = onHeap([new Float32Array(0), new Float32Array(0)], 12, ([pa, pb, pc]) =>
      gemm.gemm(pa, pb, pc, 3, 0, 4, false),
    );
    assert.deepEqual(Array.from(got), Array<number>(12).fill(0));
  });
});

test('transpose4 turns a [8, 12] matrix', () => {
  const [rows, cols] = [8, 12];
  const src = filled(rows * cols, 3);
  const got = onHeap([src], rows * cols, ([ps, pd]) => gemm.transpose4(ps, pd, rows, cols));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) assert.equal(got[j * rows + i], src[i * cols + j], `(${i}, ${j})`);
  }
});
