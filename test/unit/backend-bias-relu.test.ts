// The fused bias + ReLU of the wasm backend against tf.relu(tf.add(x, b)) on the cpu backend: output and the
// gradients of x and b, on widths that take the SIMD pass and on one that takes the JS loop, with outputs
// exactly at the kink (x + b = 0, where both give a zero gradient).
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { BIAS_RELU } from '../../src/core/backend/kernels/bias-relu';
import { assembleSimdBiasReluModule } from '../../src/core/backend/kernels/simd-bias-relu';
import { selectBackend } from '../../src/core/backend/select';
import { assertScaledClose } from '../support/close';
import { biasActivate } from '../../src/core/model/layers/activation';

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

/** Values in [-1, 1] on a 1/8 grid, so that x + b is often exactly 0. */
const grid = (n: number, salt: number) =>
  Array.from({ length: n }, (_, k) => (((k * 5 + salt) % 17) - 8) / 8);

function run(shape: number[]): { y: Float32Array; dx: Float32Array; db: Float32Array } {
  const size = shape.reduce((a, b) => a * b, 1);
  const width = shape[shape.length - 1];
  return tf.tidy(() => {
    const x = tf.tensor(grid(size, 1), shape);
    const b = tf.tensor1d(grid(width, 3));
    const w = tf.tensor(
      grid(size, 7).map((v) => v + 0.03),
      shape,
    );
    const f = (xv: tf.Tensor, bv: tf.Tensor) => tf.sum(tf.mul(biasActivate(xv, bv, 'relu'), w));
    const [dx, db] = tf.grads(f)([x, b]);
    return {
      y: biasActivate(x, b, 'relu').dataSync() as Float32Array,
      dx: dx.dataSync() as Float32Array,
      db: db.dataSync() as Float32Array,
    };
  });
}

describe('fused bias + ReLU (wasm)', () => {
  test('the SIMD module validates and the kernel is registered on wasm only', () => {
    const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    assert.ok(api.validate(assembleSimdBiasReluModule()));
    assert.ok(tf.getKernel(BIAS_RELU, 'wasm'));
    assert.equal(tf.getKernel(BIAS_RELU, 'cpu'), undefined);
  });

  for (const shape of [
    [2, 5, 6, 8],
    [64, 32],
    [3, 7],
  ]) {
    test(`equals relu(x + b) on [${shape.join(', ')}]`, async () => {
      const before = tf.memory().numTensors;
      const fused = run(shape);
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      await tf.setBackend('cpu');
      const composed = run(shape);
      await tf.setBackend('wasm');
      // Forward and dx are exact (one add, one max, one select; the composed dx has −0 where dy < 0 is
      // masked, ours +0); db sums rows in another order.
      const plain = (xs: Float32Array) => Array.from(xs, (v) => v + 0);
      assert.deepEqual(plain(fused.y), plain(composed.y));
      assert.deepEqual(plain(fused.dx), plain(composed.dx));
      assertScaledClose('db', fused.db, composed.db, 1e-6);
      const zeros = Array.from(fused.y).filter((v) => v === 0).length;
      assert.ok(zeros > 0 && zeros < fused.y.length, 'both sides of the kink are exercised');
    });
  }
});
