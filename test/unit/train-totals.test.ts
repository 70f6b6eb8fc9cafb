// The epoch's running totals: a step's figures on the device (autodiff) or as numbers (fast path) add up
// to the same float32 sums, a mid-epoch checkpoint's sums carry over, and one asynchronous read returns them.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { EpochTotals, means } from '../../src/core/train/totals';

// Loss sums whose float32 sum differs from their float64 one.
const LOSSES = [0.1, 0.2, 0.3, 1e-8, 123.456];
const CORRECT = [3, 5, 0, 1, 7];

describe('EpochTotals', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('device and JS figures give the same float32 sums, and rows count', async () => {
    const onDevice = new EpochTotals(['a']);
    const inJs = new EpochTotals(['a']);
    LOSSES.forEach((l, i) => {
      onDevice.add('a', { lossSum: tf.scalar(l), correct: tf.scalar(CORRECT[i]), rows: 10 });
      inJs.add('a', { lossSum: l, correct: CORRECT[i], rows: 10 });
    });
    const [d, j] = [await onDevice.read(), await inJs.read()];
    let f32 = 0;
    for (const l of LOSSES) f32 = Math.fround(f32 + Math.fround(l));
    assert.deepEqual(d, { a: { loss: f32, correct: 16, rows: 50 } });
    assert.deepEqual(j, d);
    assert.notEqual(
      f32,
      LOSSES.reduce((s, l) => s + l, 0),
      'the case tells float32 from float64',
    );
    assert.deepEqual(means(d), { loss: { a: f32 / 50 }, acc: { a: 16 / 50 } });
    onDevice.dispose();
    inJs.dispose();
  });

  it('continues from a checkpoint’s partial sums on either path; untouched keys read as the partial', async () => {
    const base = { a: { loss: 2.5, correct: 4, rows: 8 }, b: { loss: 1, correct: 1, rows: 2 } };
    const onDevice = new EpochTotals(['a', 'b'], base);
    const inJs = new EpochTotals(['a', 'b'], base);
    onDevice.add('a', { lossSum: tf.scalar(0.5), correct: tf.scalar(2), rows: 4 });
    inJs.add('a', { lossSum: 0.5, correct: 2, rows: 4 });
    const expected = { a: { loss: 3, correct: 6, rows: 12 }, b: { loss: 1, correct: 1, rows: 2 } };
    assert.deepEqual(await onDevice.read(), expected);
    assert.deepEqual(await inJs.read(), expected);
    onDevice.dispose();
    inJs.dispose();
  });

  it('keeps one scalar per device sum, frees them on dispose, and refuses a step split across paths', async () => {
    const start = tf.memory().numTensors;
    const totals = new EpochTotals(['a', 'b']);
    for (let i = 0; i < 4; i++) {
      totals.add('a', { lossSum: tf.scalar(1), correct: tf.scalar(1), rows: 1 });
      totals.add('b', { lossSum: tf.scalar(2), correct: tf.scalar(0), rows: 1 });
    }
    assert.equal(tf.memory().numTensors - start, 4);
    assert.deepEqual(await totals.read(), {
      a: { loss: 4, correct: 4, rows: 4 },
      b: { loss: 8, correct: 0, rows: 4 },
    });
    assert.equal(tf.memory().numTensors - start, 4, 'reading leaves nothing behind');
    const loss = tf.scalar(1);
    assert.throws(
      () => totals.add('a', { lossSum: loss, correct: 1, rows: 1 }),
      /"a" come from different paths/,
    );
    loss.dispose();
    totals.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
});
