// The wasm Identity the project registers: a clone shares its input's buffer (no copy), frees it only when the
// last holder is disposed, and leaves gradients (the engine clones every tensor it saves for backward) equal to
// the cpu backend's.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { selectBackend } from '../../src/core/backend/select';

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

const wasm = (): BackendWasm => tf.backend() as BackendWasm;

describe('wasm Identity', () => {
  test('a clone shares the buffer and outlives its source', () => {
    const buffers = wasm().numDataIds();
    const x = tf.tensor2d([1.5, -2, 3.25, 4, 5, -6.5], [2, 3]);
    const y = tf.clone(x);
    assert.equal(y.dataId, x.dataId);
    assert.equal(wasm().numDataIds(), buffers + 1, 'one buffer for both');
    assert.deepEqual(y.shape, [2, 3]);
    x.dispose();
    assert.deepEqual(Array.from(y.dataSync()), [1.5, -2, 3.25, 4, 5, -6.5]);
    assert.equal(wasm().numDataIds(), buffers + 1, 'the clone keeps the buffer');
    y.dispose();
    assert.equal(wasm().numDataIds(), buffers, 'freed with the last holder');
  });

  test('int32 and bool clones keep their dtype and values', () => {
    const i = tf.tensor1d([7, -3, 11], 'int32');
    const b = tf.tensor1d([true, false, true], 'bool');
    const [ic, bc] = [tf.clone(i), tf.clone(b)];
    assert.equal(ic.dtype, 'int32');
    assert.equal(bc.dtype, 'bool');
    tf.dispose([i, b]);
    assert.deepEqual(Array.from(ic.dataSync()), [7, -3, 11]);
    assert.deepEqual(Array.from(bc.dataSync()), [1, 0, 1]);
    tf.dispose([ic, bc]);
  });

  test('strings still clone (stock kernel)', () => {
    const s = tf.tensor1d(['modality', 'laziness']);
    const c = tf.clone(s);
    s.dispose();
    assert.deepEqual(c.dataSync(), ['modality', 'laziness']);
    c.dispose();
  });

  test('gradients through saved tensors equal the cpu backend', async () => {
    const f = (x: tf.Tensor): tf.Scalar =>
      tf.tidy(() => tf.sum(tf.mul(tf.relu(x), tf.exp(tf.mul(x, 0.3)))) as tf.Scalar);
    const input = Array.from({ length: 24 }, (_, k) => Math.sin(k * 0.77) * 2);
    const run = (): Float32Array =>
      tf.tidy(
        () =>
          tf
            .grad(f)(tf.tensor2d(input, [4, 6]))
            .dataSync() as Float32Array,
      );
    const before = tf.memory().numTensors;
    const got = run();
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    await tf.setBackend('cpu');
    const want = run();
    await tf.setBackend('wasm');
    for (let k = 0; k < want.length; k++) {
      assert.ok(Math.abs(got[k] - want[k]) <= 1e-5 * Math.max(1, Math.abs(want[k])), `element ${k}`);
    }
    assert.ok(
      want.some((v) => v > 0.5),
      'the reference gradient is not trivial',
    );
  });
});
