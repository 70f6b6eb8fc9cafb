// The fused GELU of the wasm backend against GELU composed of stock ops on the cpu backend (the same erf
// formula, Abramowitz & Stegun 7.1.26), forward and backward, whole vectors and the scalar tail, and at the
// extremes where the exponential underflows.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { GELU } from '../../src/core/backend/kernels/gelu';
import { assembleSimdGeluModule } from '../../src/core/backend/kernels/simd-gelu';
import { selectBackend } from '../../src/core/backend/select';
import { gelu } from '../../src/core/model/layers/activation';

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

/** x in [-6, 6], 4·k + 3 elements so that the last three take the scalar tail. */
const INPUT = Array.from({ length: 4 * 61 + 3 }, (_, k) => -6 + (12 * k) / (4 * 61 + 2));
const WEIGHTS = INPUT.map((_, k) => Math.cos(k * 0.37));

function forwardAndGradient(values: number[]): { y: Float32Array; dx: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor1d(values);
    const w = tf.tensor1d(WEIGHTS.slice(0, values.length));
    const y = gelu(x).dataSync() as Float32Array;
    const dx = tf
      .grad((v: tf.Tensor) => tf.sum(tf.mul(gelu(v), w)))(x)
      .dataSync() as Float32Array;
    return { y, dx };
  });
}

async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
  return d;
}

describe('fused GELU (wasm)', () => {
  test('the module validates and the kernel is registered', () => {
    const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    assert.ok(api.validate(assembleSimdGeluModule()));
    assert.ok(tf.getKernel(GELU, 'wasm'), 'GELU kernel on wasm');
    assert.equal(tf.getKernel(GELU, 'cpu'), undefined, 'cpu composes GELU from stock ops');
  });

  test('forward and gradient equal the composed ops within float32 rounding', async () => {
    const before = tf.memory().numTensors;
    const fused = forwardAndGradient(INPUT);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    const composed = await onCpu(() => forwardAndGradient(INPUT));
    // |y| ≤ 6 and |dy/dx| ≤ 1.13: a few float32 ulps of the largest values.
    assert.ok(
      maxAbsDiff(fused.y, composed.y) < 3e-6,
      `forward differs by ${maxAbsDiff(fused.y, composed.y)}`,
    );
    assert.ok(
      maxAbsDiff(fused.dx, composed.dx) < 3e-6,
      `gradient differs by ${maxAbsDiff(fused.dx, composed.dx)}`,
    );
    // Known values of the exact GELU: Φ(1) = 0.841344746, φ(1) = 0.241970725.
    const one = forwardAndGradient([1, 1, 1, 1, 1]);
    assert.ok(Math.abs(one.y[4] - 0.841344746) < 1e-6, `GELU(1) = ${one.y[4]} (tail)`);
    assert.ok(Math.abs(one.y[0] - 0.841344746) < 1e-6, `GELU(1) = ${one.y[0]} (vector)`);
    const slope = 0.841344746 + 0.241970725;
    assert.ok(Math.abs(one.dx[0] / WEIGHTS[0] - slope) < 2e-6, `GELU'(1) = ${one.dx[0] / WEIGHTS[0]}`);
  });

  test('saturates where the exponential underflows', () => {
    const far = [-100, -20, 20, 100, -40, 0, 40, -0];
    const { y, dx } = forwardAndGradient(far);
    assert.deepEqual([y[2], y[3], y[6]], [20, 100, 40]);
    for (const k of [0, 1, 4]) assert.ok(Math.abs(y[k]) < 1e-30 && Math.abs(dx[k]) < 1e-30, `x = ${far[k]}`);
    for (const k of [2, 3, 6]) assert.ok(Math.abs(dx[k] / WEIGHTS[k] - 1) < 1e-6, `slope at x = ${far[k]}`);
    assert.equal(y[5], 0);
    assert.ok(Math.abs(dx[5] / WEIGHTS[5] - 0.5) < 1e-6, `slope at 0 is ½: ${dx[5] / WEIGHTS[5]}`);
  });
});
