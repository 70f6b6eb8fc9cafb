import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  batchMeanFeature,
  hgmAlpha,
  HgmProjector,
  projectKernelGrad,
  updateProjector,
} from '../../src/core/mla/hgm';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

const identity3 = () => Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
// docs/algorithm.md, HGM
const P_AFTER_1 = [
  0.243414, -0.231823, -0.231823, -0.231823, 0.591148, -0.115911, -0.231823, -0.115911, 0.591148,
];
const P_AFTER_2 = [
  0.073175, 0.087712, -0.187743, 0.087712, 0.198699, -0.378507, -0.187743, -0.378507, 0.763379,
];
const G_TORCH = [
  [0.5, -1, 0.25],
  [-0.5, 1, -0.25],
]; // C×d, torch layout
const GPT = [
  [0.295574, -0.736037, 0.147787],
  [-0.295574, 0.736037, -0.147787],
]; // G·Pᵀ
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));

describe('HGM', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('alpha = 0.1^(1 + b/nb)', () => {
    assertClose([hgmAlpha(0, 4)], [0.1], 1e-12);
    assertClose([hgmAlpha(2, 4)], [0.0316228], 1e-7);
    assertClose([hgmAlpha(4, 4)], [0.01], 1e-12);
  });

  it('updateProjector reproduces both calls of the §2.2 vector', () => {
    const r1 = Float32Array.from([2, 1, 1]); // mean of rows [1,0,2] and [3,2,0]
    const P1 = updateProjector(identity3(), r1, hgmAlpha(0, 4));
    assertClose(P1, P_AFTER_1);
    const r2 = Float32Array.from([0, 2, 1]); // mean of rows [0,1,1] and [0,3,1]
    assertClose(updateProjector(P1, r2, hgmAlpha(2, 4)), P_AFTER_2);
    const norm = Math.sqrt(P1.reduce((a, v) => a + v * v, 0));
    assertClose([norm], [1], 1e-6);
  });

  it('does not modify its input and rejects a projector of the wrong size', () => {
    const P = identity3();
    updateProjector(P, Float32Array.from([2, 1, 1]), 0.1);
    assert.deepEqual(Array.from(P), Array.from(identity3()));
    assert.throws(() => updateProjector(P, Float32Array.from([1, 2]), 0.1), /9 values, expected 2×2/);
  });

  it('projectKernelGrad gives (G·Pᵀ)ᵀ in TF.js kernel layout, replace and add', () => {
    const P = updateProjector(identity3(), Float32Array.from([2, 1, 1]), 0.1);
    const kernelGrad = tf.tensor2d(transpose(G_TORCH)); // [d, C]
    const replaced = projectKernelGrad(P, kernelGrad, 'replace');
    assert.deepEqual(replaced.shape, [3, 2]);
    assertClose(replaced.dataSync(), transpose(GPT).flat());
    const added = projectKernelGrad(P, kernelGrad, 'add');
    assertClose(
      added.dataSync(),
      transpose(G_TORCH)
        .flat()
        .map((g, i) => g + transpose(GPT).flat()[i]),
    );
    tf.dispose([kernelGrad, replaced, added]);
  });

  it('uses P, not Pᵀ, on the kernel (no reliance on symmetry)', () => {
    const P = Float32Array.from([1, 2, 0, 1]); // [[1,2],[0,1]]
    const g = tf.tensor2d([[1], [1]]);
    const out = projectKernelGrad(P, g, 'replace');
    assert.deepEqual(Array.from(out.dataSync()), [3, 1]);
    tf.dispose([g, out]);
  });

  it('batchMeanFeature averages the rows', () => {
    const f = tf.tensor2d([
      [1, 0, 2],
      [3, 2, 0],
    ]);
    assert.deepEqual(Array.from(batchMeanFeature(f)), [2, 1, 1]);
    f.dispose();
  });

  it('HgmProjector: identity at start, first step skipped, then update + projection', () => {
    const proj = new HgmProjector(3);
    assert.deepEqual(Array.from(proj.matrix), Array.from(identity3()));
    const g = tf.tensor2d(transpose(G_TORCH));
    const start = tf.memory().numTensors;
    assert.equal(proj.step(Float32Array.from([5, 5, 5]), 0.1, g, 'replace'), null);
    assert.equal(proj.firstStepDone, true);
    assert.deepEqual(Array.from(proj.matrix), Array.from(identity3()), 'first step leaves P alone');
    const out = proj.step(Float32Array.from([2, 1, 1]), hgmAlpha(0, 4), g, 'replace')!;
    assertClose(proj.matrix, P_AFTER_1);
    assertClose(out.dataSync(), transpose(GPT).flat());
    out.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensor leaked');
    assert.throws(() => proj.step(new Float32Array(4), 0.1, g, 'add'), /4 values, the projector is 3-d/);
    g.dispose();
  });

  it('HgmProjector: dimension from the constructor; JSON round trip resumes identically', () => {
    const big = new HgmProjector(128);
    assert.equal(big.matrix.length, 128 * 128);
    assert.equal(big.matrix[127 * 128 + 127], 1);
    assert.equal(big.matrix[1], 0);

    const a = new HgmProjector(3);
    const g = tf.tensor2d(transpose(G_TORCH));
    a.step(Float32Array.from([1, 1, 1]), 0.1, g, 'add');
    a.step(Float32Array.from([2, 1, 1]), 0.1, g, 'add')!.dispose();
    const b = HgmProjector.fromJSON(JSON.parse(JSON.stringify(a)));
    assert.equal(b.dim, 3);
    assert.equal(b.firstStepDone, true);
    const ra = a.step(Float32Array.from([0, 2, 1]), hgmAlpha(2, 4), g, 'add')!;
    const rb = b.step(Float32Array.from([0, 2, 1]), hgmAlpha(2, 4), g, 'add')!;
    assertClose(a.matrix, P_AFTER_2);
    assert.deepEqual(Array.from(b.matrix), Array.from(a.matrix));
    assert.deepEqual(Array.from(rb.dataSync()), Array.from(ra.dataSync()));
    tf.dispose([g, ra, rb]);
  });

  it('fromJSON names the broken field', () => {
    assert.throws(
      () => HgmProjector.fromJSON({ dim: 2, firstStepDone: true, matrix: [1, 0, 0] }, 'ckpt/hgm.json'),
      /ckpt\/hgm\.json: \/matrix: expected 4 numbers \(2×2\)/,
    );
    assert.throws(
      () => HgmProjector.fromJSON({ dim: 0, firstStepDone: true, matrix: [] }),
      /\/dim: expected a positive integer/,
    );
  });
});
