import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  hgmAlpha,
  HgmProjector,
  projectKernelGrad,
  updateProjector,
  updateProjectorOnDevice,
  type HgmProjectorState,
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
// Batch features whose row means are the §2.2 vectors r = [2, 1, 1] and r = [0, 2, 1].
const FEATURES_1 = [
  [1, 0, 2],
  [3, 2, 0],
];
const FEATURES_2 = [
  [0, 1, 1],
  [0, 3, 1],
];

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

  it('updateProjectorOnDevice reproduces the §2.2 vector in tensor ops, as the float64 loop does', () => {
    const P0 = tf.eye(3);
    const r1 = tf.tensor1d([2, 1, 1]);
    const P1 = updateProjectorOnDevice(P0, r1, hgmAlpha(0, 4));
    assertClose(P1.dataSync(), P_AFTER_1, 1e-6);
    const r2 = tf.tensor1d([0, 2, 1]);
    const P2 = updateProjectorOnDevice(P1, r2, hgmAlpha(2, 4));
    assertClose(P2.dataSync(), P_AFTER_2, 1e-6);
    const exact = updateProjector(
      updateProjector(identity3(), Float32Array.from([2, 1, 1]), hgmAlpha(0, 4)),
      Float32Array.from([0, 2, 1]),
      hgmAlpha(2, 4),
    );
    assertClose(P2.dataSync(), exact, 1e-6);
    assert.throws(() => updateProjectorOnDevice(P0, tf.tensor1d([1, 2]), 0.1), /\[3,3\], expected 2×2/);
    tf.dispose([P0, r1, P1, r2, P2]);
  });

  it('projectKernelGrad gives (G·Pᵀ)ᵀ in TF.js kernel layout, replace and add', () => {
    const P = tf.tensor2d(updateProjector(identity3(), Float32Array.from([2, 1, 1]), 0.1), [3, 3]);
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
    tf.dispose([P, kernelGrad, replaced, added]);
  });

  it('uses P, not Pᵀ, on the kernel (no reliance on symmetry)', () => {
    const P = tf.tensor2d([
      [1, 2],
      [0, 1],
    ]);
    const g = tf.tensor2d([[1], [1]]);
    const out = projectKernelGrad(P, g, 'replace');
    assert.deepEqual(Array.from(out.dataSync()), [3, 1]);
    tf.dispose([P, g, out]);
  });

  it('HgmProjector: identity at start, first step skipped, then update from the batch mean + projection', async () => {
    const proj = new HgmProjector(3);
    assert.deepEqual(Array.from(await proj.read()), Array.from(identity3()));
    const g = tf.tensor2d(transpose(G_TORCH));
    const [f0, f1] = [tf.fill([2, 3], 5) as tf.Tensor2D, tf.tensor2d(FEATURES_1)];
    const start = tf.memory().numTensors;
    assert.equal(proj.step(f0, 0.1, g, 'replace'), null);
    assert.equal(proj.firstStepDone, true);
    assert.deepEqual(Array.from(await proj.read()), Array.from(identity3()), 'first step leaves P alone');
    const out = proj.step(f1, hgmAlpha(0, 4), g, 'replace')!;
    assertClose(await proj.read(), P_AFTER_1);
    assertClose(out.dataSync(), transpose(GPT).flat());
    out.dispose();
    assert.equal(tf.memory().numTensors, start, 'no tensor leaked');
    const wrong = tf.zeros([2, 4]) as tf.Tensor2D;
    assert.throws(() => proj.step(wrong, 0.1, g, 'add'), /4 values, the projector is 3-d/);
    tf.dispose([g, f0, f1, wrong]);
    proj.dispose();
  });

  it('HgmProjector: dimension from the constructor; JSON round trip resumes identically', async () => {
    const big = new HgmProjector(128);
    const values = await big.read();
    assert.equal(values.length, 128 * 128);
    assert.equal(values[127 * 128 + 127], 1);
    assert.equal(values[1], 0);
    big.dispose();

    const a = new HgmProjector(3);
    const g = tf.tensor2d(transpose(G_TORCH));
    const [ones, f1, f2] = [tf.ones([2, 3]) as tf.Tensor2D, tf.tensor2d(FEATURES_1), tf.tensor2d(FEATURES_2)];
    a.step(ones, 0.1, g, 'add');
    a.step(f1, 0.1, g, 'add')!.dispose();
    const b = HgmProjector.fromJSON(JSON.parse(JSON.stringify(await a.state())) as HgmProjectorState);
    assert.equal(b.dim, 3);
    assert.equal(b.firstStepDone, true);
    const ra = a.step(f2, hgmAlpha(2, 4), g, 'add')!;
    const rb = b.step(f2, hgmAlpha(2, 4), g, 'add')!;
    assertClose(await a.read(), P_AFTER_2);
    assert.deepEqual(Array.from(await b.read()), Array.from(await a.read()));
    assert.deepEqual(Array.from(rb.dataSync()), Array.from(ra.dataSync()));
    tf.dispose([g, ones, f1, f2, ra, rb]);
    a.dispose();
    b.dispose();
  });

  it('HgmProjector.read rejects a zero or non-finite matrix, as a device update can leave it', async () => {
    const p = HgmProjector.fromJSON({ dim: 2, firstStepDone: true, matrix: [1, 0, 0, 1] });
    const nan = tf.fill([2, 2], NaN) as tf.Tensor2D;
    const g = tf.ones([2, 1]) as tf.Tensor2D;
    // A feature of NaNs: the float64 loop on the cpu backend throws at once.
    assert.throws(() => p.step(nan, 0.1, g, 'replace'), /zero or non-finite matrix/);
    const zero = new HgmProjector(2, new Float32Array(4));
    await assert.rejects(zero.read(), /zero or non-finite matrix \(‖P‖²_F = 0\)/);
    tf.dispose([nan, g]);
    p.dispose();
    zero.dispose();
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
