import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracy, argmaxRows, crossEntropyRows, macroF1 } from '../../src/core/eval/metrics';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('metrics', () => {
  it('argmaxRows: largest per row, first on ties', () => {
    const x = Float32Array.from([0.1, 0.7, 0.2, 5, 5, 1, -3, -2, -1]);
    assert.deepEqual(Array.from(argmaxRows(x, 3, 3)), [1, 0, 2]);
  });

  it('accuracy: micro, with a mask, null when nothing counts', () => {
    const pred = [0, 1, 2, 2];
    const labels = Int32Array.from([0, 1, 1, 2]);
    assert.equal(accuracy(pred, labels), 0.75);
    assert.equal(accuracy(pred, labels, Uint8Array.from([0, 0, 1, 1])), 0.5);
    assert.equal(accuracy(pred, labels, Uint8Array.from([0, 0, 0, 0])), null);
    assert.equal(accuracy([], []), null);
    assert.throws(() => accuracy([0], [0, 1]), /1 predictions for 2 labels/);
  });

  it('macroF1: mean over all classes, an empty class counts 0', () => {
    // class 0: TP 1, FP 1, FN 1 → 0.5; class 1: TP 2, FP 1, FN 0 → 0.8; class 2: TP 0, FN 1 → 0;
    // class 3: no true, no predicted sample → 0. Mean over 4 classes = 1.3 / 4.
    close(macroF1([0, 1, 1, 1, 0], [0, 0, 1, 1, 2], 4), 0.325);
    close(macroF1([0, 1, 1, 1, 0], [0, 0, 1, 1, 2], 3), 1.3 / 3);
    close(macroF1([2, 0, 1], [2, 0, 1], 3), 1);
    assert.throws(() => macroF1([0], [3], 3), /label 3 at row 0 is outside \[0, 3\)/);
  });

  it('crossEntropyRows: −log softmax at the label, stable for large logits', () => {
    const ce = crossEntropyRows(Float32Array.from([0, 0, 1000, 0, 1, 2]), [0, 1, 1], 3, 2);
    close(ce[0], Math.LN2);
    close(ce[1], 1000, 1e-3);
    close(ce[2], Math.log(1 + Math.exp(-1))); // −log(e²/(e + e²)) = log(1 + e⁻¹)
    const three = crossEntropyRows(Float32Array.from([1, 2, 3]), [2], 1, 3);
    close(three[0], 0.40760596);
  });
});
