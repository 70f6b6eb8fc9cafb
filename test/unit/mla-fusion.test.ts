import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entropyRows, fuse, softmaxRows } from '../../src/core/mla/fusion';
import { argmaxRows } from '../../src/core/eval/metrics';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

// docs/algorithm.md, test-time fusion: 2 samples, 3 classes
const za = Float32Array.from([2, 0, -1, 0.1, 0.2, 0]);
const zv = Float32Array.from([0.5, 0.4, 0.3, -1, 3, 0]);
const ORDER = ['a', 'v'];

describe('fusion', () => {
  it('softmaxRows: rows sum to 1, uniform for equal logits', () => {
    const p = softmaxRows(Float32Array.from([0, 0, 1000, 1000, 1, 0]), 3, 2);
    assertClose(p, [0.5, 0.5, 0.5, 0.5, 0.7310586, 0.2689414], 1e-6);
  });

  it('entropyRows: the §3.2 per-sample entropies', () => {
    assertClose(entropyRows(za, 2, 3), [0.524267, 1.095287]);
    assertClose(entropyRows(zv, 2, 3), [1.095287, 0.274313]);
  });

  it('entropy (per sample): §3.2 weights, fused logits and predictions', () => {
    const { weights, fused } = fuse([za, zv], null, 2, 3, { type: 'entropy' }, ORDER);
    assertClose(weights[0], [0.638999, 0.305557]);
    assertClose(weights[1], [0.361001, 0.694443]);
    assertClose(fused, [1.458498, 0.144401, -0.530698, -0.663887, 2.144441, 0]);
    assert.deepEqual(Array.from(argmaxRows(fused, 2, 3)), [0, 1]);
  });

  it('entropy-batch: the reference form gives w_a = 0.438195, w_v = 0.561805 for the whole batch', () => {
    const { weights, fused } = fuse([za, zv], null, 2, 3, { type: 'entropy-batch', batchSize: 64 }, ORDER);
    assertClose(weights[0], [0.438195, 0.438195]);
    assertClose(weights[1], [0.561805, 0.561805]);
    assertClose(
      fused,
      Array.from(za, (a, i) => 0.438195 * a + 0.561805 * zv[i]),
    );
  });

  it('entropy-batch: chunks of batchSize are weighted separately', () => {
    // A one-row chunk has a batch-axis softmax of all ones: E = 0 for both modalities, so equal weights.
    const { weights } = fuse([za, zv], null, 2, 3, { type: 'entropy-batch', batchSize: 1 }, ORDER);
    assertClose(weights[0], [0.5, 0.5]);
    assertClose(weights[1], [0.5, 0.5]);
  });

  it('mean and fixed', () => {
    const mean = fuse([za, zv], null, 2, 3, { type: 'mean' }, ORDER);
    assertClose(
      mean.fused,
      Array.from(za, (a, i) => (a + zv[i]) / 2),
    );
    const fixed = fuse([za, zv], null, 2, 3, { type: 'fixed', weights: { v: 0.45, a: 0.55 } }, ORDER);
    assertClose(fixed.weights[0], [0.55, 0.55]);
    assertClose(
      fixed.fused,
      Array.from(za, (a, i) => 0.55 * a + 0.45 * zv[i]),
    );
    // weights not summing to 1 are renormalised
    const unnorm = fuse([za, zv], null, 2, 3, { type: 'fixed', weights: { a: 3, v: 1 } }, ORDER);
    assertClose(unnorm.weights[1], [0.25, 0.25]);
    assert.throws(
      () => fuse([za, zv], null, 2, 3, { type: 'fixed', weights: { a: 1 } }, ORDER),
      /no fixed weight for modality "v"/,
    );
  });

  it('an absent modality gets weight 0 and the present ones are renormalised', () => {
    const present = [Uint8Array.from([1, 0]), Uint8Array.from([1, 1])];
    const ent = fuse([za, zv], present, 2, 3, { type: 'entropy' }, ORDER);
    assertClose(ent.weights[0], [0.638999, 0]);
    assertClose(ent.weights[1], [0.361001, 1]);
    assertClose(ent.fused.subarray(3), zv.subarray(3));
    for (const cfg of [
      { type: 'mean' } as const,
      { type: 'fixed', weights: { a: 0.55, v: 0.45 } } as const,
    ]) {
      const r = fuse([za, zv], present, 2, 3, cfg, ORDER);
      assertClose([r.weights[0][1], r.weights[1][1]], [0, 1]);
      assertClose(r.fused.subarray(3), zv.subarray(3));
    }
    // batch form: a's E uses its present row only (one row → E_a = 0); v's E uses both rows (1.408479)
    const b = fuse([za, zv], present, 2, 3, { type: 'entropy-batch', batchSize: 64 }, ORDER);
    const wa = 1 / (1 + Math.exp(-1.408479));
    assertClose(b.weights[0], [wa, 0]);
    assertClose(b.weights[1], [1 - wa, 1]);
    assertClose(b.fused.subarray(3), zv.subarray(3));
  });

  it('a sample with no modality present gets zero weights and zero logits', () => {
    const present = [Uint8Array.from([1, 0]), Uint8Array.from([1, 0])];
    for (const type of ['entropy', 'mean'] as const) {
      const r = fuse([za, zv], present, 2, 3, { type }, ORDER);
      assertClose([r.weights[0][1], r.weights[1][1]], [0, 0]);
      assertClose(r.fused.subarray(3), [0, 0, 0]);
      assertClose([r.weights[0][0] + r.weights[1][0]], [1]);
    }
    const b = fuse([za, zv], present, 2, 3, { type: 'entropy-batch', batchSize: 1 }, ORDER);
    assertClose(b.fused.subarray(3), [0, 0, 0]);
  });

  it('rejects logits of the wrong size', () => {
    assert.throws(
      () => fuse([za, zv.subarray(0, 3)], null, 2, 3, { type: 'mean' }, ORDER),
      /logits of "v" have 3 values, expected 2×3/,
    );
  });
});
