// The speed changes of issue 5, each against the cpu backend or the code it replaced: the (Bᵀ·Aᵀ)ᵀ matmul
// orientation, the blocked Transpose for row counts that alias in cache, and the counter-based dropout masks.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { orientation } from '../../src/core/backend/kernels/batch-matmul';
import { isAliasingTranspose, transposeBlocked } from '../../src/core/backend/kernels/transpose';
import { tensorHost } from '../../src/core/backend/host';
import { selectBackend } from '../../src/core/backend/select';
import { dropoutMask } from '../../src/core/model/layers/dropout-stream';

const REL_TOL = 1e-4;

function values(shape: number[], salt: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: size }, (_, i) => Math.sin(i * 0.731 + salt * 1.37) * 0.9 + (i % 7) * 1e-3),
    shape,
  );
}

async function onBoth(
  f: () => tf.Tensor,
): Promise<{ wasm: Float32Array; cpu: Float32Array; shape: number[] }> {
  await tf.setBackend('wasm');
  const [wasm, shape] = tf.tidy(() => {
    const t = f();
    return [t.dataSync() as Float32Array, t.shape] as const;
  });
  await tf.setBackend('cpu');
  const cpu = tf.tidy(() => f().dataSync() as Float32Array);
  await tf.setBackend('wasm');
  return { wasm, cpu, shape: [...shape] };
}

function maxRelativeError(got: Float32Array, want: Float32Array): number {
  assert.equal(got.length, want.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  assert.ok(scale > 0, 'reference is all zero');
  return diff / scale;
}

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

describe('matmul orientation', () => {
  test('swaps the backprop dy·Wᵀ and a wide first layer, keeps the rest direct', () => {
    // dx of a 256→128 layer: dy [64,128] · W [256,128]ᵀ
    assert.equal(orientation(64, 128, 256, false, true), 'swapped');
    // forward of a 240→256 first layer on a batch of 64
    assert.equal(orientation(64, 240, 256, false, false), 'swapped');
    // forward of the 256→128 layer, weight gradients xᵀ·dy, the head
    assert.equal(orientation(64, 256, 128, false, false), 'direct');
    assert.equal(orientation(256, 64, 128, true, false), 'direct');
    assert.equal(orientation(64, 128, 10, false, false), 'direct');
  });

  const specs: [number[], number[], boolean, boolean][] = [
    [[64, 128], [256, 128], false, true],
    [[64, 240], [240, 256], false, false],
    [[1, 64, 240], [1, 240, 256], false, false],
    [[70, 40], [200, 70], true, true],
  ];
  for (const [aShape, bShape, ta, tb] of specs) {
    test(`${JSON.stringify(aShape)}${ta ? 'ᵀ' : ''} · ${JSON.stringify(bShape)}${tb ? 'ᵀ' : ''} matches cpu`, async () => {
      const rank = aShape.length;
      const m = aShape[ta ? rank - 1 : rank - 2];
      const k = aShape[ta ? rank - 2 : rank - 1];
      const n = bShape[tb ? rank - 2 : rank - 1];
      assert.equal(orientation(m, k, n, ta, tb), 'swapped', 'the case under test takes the swapped path');
      const r = await onBoth(() => tf.matMul(values(aShape, 1), values(bShape, 2), ta, tb));
      assert.deepEqual(r.shape, [...aShape.slice(0, -2), m, n]);
      assert.ok(maxRelativeError(r.wasm, r.cpu) <= REL_TOL);
    });
  }
});

describe('blocked Transpose', () => {
  test('takes only last-two-axes swaps whose row count is a multiple of 256', () => {
    assert.equal(isAliasingTranspose([256, 128], [1, 0]), true);
    assert.equal(isAliasingTranspose([3, 512, 64], [0, 2, 1]), true);
    assert.equal(isAliasingTranspose([240, 256], [1, 0]), false);
    assert.equal(isAliasingTranspose([3, 256, 64], [1, 0, 2]), false);
    assert.equal(isAliasingTranspose([256, 1], [1, 0]), false);
  });

  test('the JS loop transposes every matrix of a batch, ragged tiles included', () => {
    const [batches, rows, cols] = [2, 37, 21];
    const src = Float32Array.from({ length: batches * rows * cols }, (_, i) => i);
    const dst = new Float32Array(src.length);
    transposeBlocked(src, dst, batches, rows, cols);
    for (let b = 0; b < batches; b++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++)
          assert.equal(dst[b * rows * cols + j * rows + i], src[b * rows * cols + i * cols + j]);
  });

  for (const [shape, perm] of [
    [
      [256, 128],
      [1, 0],
    ],
    [
      [2, 256, 40],
      [0, 2, 1],
    ],
    [
      [240, 256],
      [1, 0],
    ],
  ] as [number[], number[]][]) {
    test(`${JSON.stringify(shape)} perm ${JSON.stringify(perm)} equals cpu exactly`, async () => {
      const r = await onBoth(() => tf.transpose(values(shape, 3), perm));
      assert.deepEqual(
        r.shape,
        perm.map((p) => shape[p]),
      );
      assert.deepEqual(Array.from(r.wasm), Array.from(r.cpu));
    });
  }
});

describe('dropout mask', () => {
  /** lowbias32 of seed + i·φ in BigInt arithmetic: an implementation independent of the one under test. */
  function referenceKept(seed: number, i: number, rate: number): boolean {
    const m32 = (v: bigint) => v & 0xffffffffn;
    let x = m32(BigInt(seed) + BigInt(i) * 0x9e3779b9n);
    x = m32(x ^ (x >> 16n));
    x = m32(x * 0x7feb352dn);
    x = m32(x ^ (x >> 15n));
    x = m32(x * 0x846ca68bn);
    x = m32(x ^ (x >> 16n));
    return Number(x >> 8n) / 2 ** 24 >= rate;
  }

  for (const [rate, seed] of [
    [0.1, 12345],
    [0.5, 987654321],
    [0.3, 4294967295],
  ] as const) {
    test(`rate ${rate}, seed ${seed}: the stream's definition, kept share and scale`, () => {
      const mask = dropoutMask(64 * 256, rate, seed);
      const scale = Math.fround(1 / (1 - rate));
      for (let i = 0; i < mask.length; i++) {
        assert.equal(mask[i], referenceKept(seed, i, rate) ? scale : 0, `element ${i}`);
      }
      const kept = mask.reduce((c, v) => c + (v > 0 ? 1 : 0), 0) / mask.length;
      assert.ok(Math.abs(kept - (1 - rate)) < 0.01, `kept share ${kept}`);
    });
  }

  test('the wasm SIMD mask is the JS mask bit for bit, tails included', () => {
    const host = tensorHost()!;
    assert.equal(tf.getBackend(), 'wasm');
    for (const size of [64 * 256, 1001, 3]) {
      for (const [rate, seed] of [
        [0.1, 1],
        [0.25, 2 ** 31],
        [0.6, 4294967295],
      ]) {
        const info = host.dropoutMask([size], rate, seed);
        const simd = Float32Array.from(host.view(info));
        host.release(info);
        assert.deepEqual(simd, dropoutMask(size, rate, seed), `size ${size}, rate ${rate}, seed ${seed}`);
      }
    }
  });

  test('neighbouring elements and neighbouring seeds are uncorrelated', () => {
    const rate = 0.5;
    const n = 64 * 256;
    const kept = (m: Float32Array) => Array.from(m, (v) => (v > 0 ? 1 : 0));
    const correlation = (a: number[], b: number[]) => {
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const [ma, mb] = [mean(a), mean(b)];
      let cov = 0;
      let va = 0;
      let vb = 0;
      for (let i = 0; i < a.length; i++) {
        cov += (a[i] - ma) * (b[i] - mb);
        va += (a[i] - ma) ** 2;
        vb += (b[i] - mb) ** 2;
      }
      return cov / Math.sqrt(va * vb);
    };
    const m = kept(dropoutMask(n, rate, 777));
    // 4σ of a correlation estimate over 16k pairs is ≈ 0.03.
    for (const lag of [1, 4, 256]) {
      const r = correlation(m.slice(0, n - lag), m.slice(lag));
      assert.ok(Math.abs(r) < 0.03, `lag ${lag}: r = ${r}`);
    }
    const next = kept(dropoutMask(n, rate, 778));
    const r = correlation(m, next);
    assert.ok(Math.abs(r) < 0.03, `seeds 777 and 778: r = ${r}`);
  });
});
