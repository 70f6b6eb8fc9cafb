// The fused LayerNorm of the wasm backend against LayerNorm composed of stock ops on the cpu backend:
// output and the gradients of x, γ and β, on rows of the widths the transformer uses (SIMD passes) and on an
// odd width (the plain loops).
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LAYER_NORM } from '../../src/core/backend/kernels/layer-norm';
import { assembleSimdLayerNormModule } from '../../src/core/backend/kernels/simd-layer-norm';
import { selectBackend } from '../../src/core/backend/select';
import { assertScaledClose } from '../support/close';
import { LayerNorm } from '../../src/core/model/layers/layernorm';
import { ParamScope } from '../../src/core/model/params';
import { Rng } from '../../src/core/util/random';

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

const wave = (n: number, salt: number, scale = 1) =>
  Array.from({ length: n }, (_, k) => (Math.sin(k * 0.61 + salt) * 1.7 + 0.3 * Math.cos(k * 1.3)) * scale);

/** Variable names are global: each LayerNorm gets its own scope. */
let scopes = 0;

interface Result {
  y: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
}

/** y = LN(x) and the gradients of Σ y·w, with γ, β set away from their 1, 0 start. */
function run(shape: number[]): Result {
  const size = shape.reduce((a, b) => a * b, 1);
  const dim = shape[shape.length - 1];
  return tf.tidy(() => {
    const norm = new LayerNorm(ParamScope.root(`ln${++scopes}`, Rng.fromSeed(1)), dim);
    norm.gamma.assign(tf.tensor1d(wave(dim, 2, 0.5)));
    norm.beta.assign(tf.tensor1d(wave(dim, 3, 0.2)));
    const x = tf.tensor(wave(size, 1, 3), shape);
    const w = tf.tensor(wave(size, 4), shape);
    const y = norm.apply(x).dataSync() as Float32Array;
    const f = (v: tf.Tensor) => tf.sum(tf.mul(norm.apply(v), w)) as tf.Scalar;
    const dx = tf.grad(f)(x).dataSync() as Float32Array;
    const { grads } = tf.variableGrads(() => f(x), [norm.gamma, norm.beta]);
    const result = {
      y,
      dx,
      dGamma: grads[norm.gamma.name].dataSync() as Float32Array,
      dBeta: grads[norm.beta.name].dataSync() as Float32Array,
    };
    tf.dispose([norm.gamma, norm.beta]);
    return result;
  });
}

describe('fused LayerNorm (wasm)', () => {
  test('the SIMD module validates and the kernel is registered on wasm only', () => {
    const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    assert.ok(api.validate(assembleSimdLayerNormModule()));
    assert.ok(tf.getKernel(LAYER_NORM, 'wasm'));
    assert.equal(tf.getKernel(LAYER_NORM, 'cpu'), undefined);
  });

  for (const shape of [
    [4, 16, 64],
    [3, 5],
    [2, 7, 256],
  ]) {
    test(`equals the composed ops on [${shape.join(', ')}]`, async () => {
      const before = tf.memory().numTensors;
      const fused = run(shape);
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      await tf.setBackend('cpu');
      const composed = run(shape);
      await tf.setBackend('wasm');
      assertScaledClose('y', fused.y, composed.y, 2e-6);
      assertScaledClose('dx', fused.dx, composed.dx, 1e-5);
      assertScaledClose('dγ', fused.dGamma, composed.dGamma, 1e-5);
      assertScaledClose('dβ', fused.dBeta, composed.dBeta, 1e-6);
    });
  }

  test('each row comes out with mean β-weighted and spread γ (γ = 1, β = 0)', () => {
    const y = tf.tidy(() => {
      const norm = new LayerNorm(ParamScope.root('plain', Rng.fromSeed(1)), 8);
      const out = norm.apply(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, -4, -4, -4, -4, 4, 4, 4, 4], [2, 8]));
      const values = out.dataSync() as Float32Array;
      tf.dispose([norm.gamma, norm.beta]);
      return values;
    });
    for (const row of [0, 1]) {
      const r = Array.from(y.subarray(row * 8, row * 8 + 8));
      const mean = r.reduce((a, b) => a + b, 0) / 8;
      const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / 8;
      assert.ok(Math.abs(mean) < 1e-6, `row ${row} mean ${mean}`);
      // Variance v/(v + ε): 5.25/(5.25 + 1e-5) and 16/(16 + 1e-5).
      const v = row === 0 ? 5.25 : 16;
      assert.ok(Math.abs(variance - v / (v + 1e-5)) < 1e-5, `row ${row} variance ${variance}`);
    }
  });
});
