import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateEpochCurves, aggregateSeeds } from '../../src/shared/aggregate';
import { formatMeanStd } from '../../src/shared/format';
import { sampleStd } from '../../src/shared/stats';
import { epochRecord, summary } from './runs-fixtures';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected}`);

test('mean and sample std (n − 1) of three seeds, by hand', () => {
  // mean = 2.965 / 3 = 0.98833…; squared deviations 6.9444e-5 + 2.7778e-6 + 4.4444e-5 = 1.16667e-4;
  // / (3 − 1) = 5.8333e-5; sqrt = 0.0076376.
  const agg = aggregateSeeds(
    [
      summary(0, 0.98, 0.97, { pix: 0.9, fou: 0.8 }, { bestEpoch: 10, seconds: 30 }),
      summary(1, 0.99, 0.96, { pix: 0.92, fou: 0.82 }, { bestEpoch: 20, seconds: 33 }),
      summary(2, 0.995, 0.98, { pix: 0.94 }, { bestEpoch: 27, seconds: 36 }),
    ],
    ['pix', 'fou'],
  );
  assert.deepEqual(agg.seeds, [0, 1, 2]);
  close(agg.fused.test.mean, 0.9883333333333333);
  close(agg.fused.test.std, Math.sqrt(1.1666666666666667e-4 / 2));
  close(agg.fused.test.std, 0.007637626158259756);
  assert.equal(agg.fused.test.n, 3);
  assert.deepEqual(agg.fused.test.values, [
    { seed: 0, value: 0.98 },
    { seed: 1, value: 0.99 },
    { seed: 2, value: 0.995 },
  ]);
  close(agg.fused.val.mean, 0.97);
  close(agg.fused.val.std, 0.01);
  close(agg.unimodal.pix.test.mean, 0.92);
  close(agg.unimodal.pix.test.std, 0.02);
  // One summary lacks `fou`: two values, mean 0.81, std = sqrt(2 × 0.01² / 1) = 0.014142.
  assert.equal(agg.unimodal.fou.test.n, 2);
  close(agg.unimodal.fou.test.mean, 0.81);
  close(agg.unimodal.fou.test.std, Math.SQRT2 * 0.01);
  close(agg.bestEpoch.mean, 19);
  close(agg.bestEpoch.std, Math.sqrt((81 + 1 + 64) / 2));
  close(agg.seconds.mean, 33);
  close(agg.seconds.std, 3);
  assert.equal(formatMeanStd(agg.fused.test.mean, agg.fused.test.std), '98.8 ± 0.8');
  assert.equal(formatMeanStd(agg.fused.test.mean, agg.fused.test.std, { digits: 2 }), '98.83 ± 0.76');
});

test('one seed has no std; none has no mean', () => {
  assert.ok(Number.isNaN(sampleStd([0.9])));
  const one = aggregateSeeds([summary(4, 0.989, 0.9, {})], []);
  assert.equal(one.fused.test.n, 1);
  assert.equal(formatMeanStd(one.fused.test.mean, one.fused.test.std), '98.9');
  const none = aggregateSeeds([], ['a']);
  assert.equal(none.fused.test.n, 0);
  assert.equal(formatMeanStd(none.fused.test.mean, none.fused.test.std), '–');
  assert.equal(formatMeanStd(0.989, 0.001), '98.9 ± 0.1');
});

test('epoch curves: per-epoch mean and std over seeds of different lengths, a redone epoch counted once', () => {
  const seed0 = [epochRecord(1, 0.5), epochRecord(2, 0.6), epochRecord(3, 0.7)];
  const seed1 = [epochRecord(1, 0.7), epochRecord(2, 0.1), epochRecord(2, 0.8)]; // epoch 2 redone after resume
  const curve = aggregateEpochCurves([seed0, seed1], (r) => r.val.fused);
  assert.deepEqual(
    curve.map((p) => [p.epoch, p.n]),
    [
      [1, 2],
      [2, 2],
      [3, 1],
    ],
  );
  close(curve[0].mean, 0.6);
  close(curve[0].std, Math.SQRT2 * 0.1);
  close(curve[1].mean, 0.7);
  close(curve[1].std, Math.SQRT2 * 0.1);
  close(curve[2].mean, 0.7);
  assert.ok(Number.isNaN(curve[2].std));
  // A metric that is missing for a record (joint-only figure under MLA) is left out, not averaged as 0.
  const fused = aggregateEpochCurves([seed0], (r) => r.train.fusedAcc ?? NaN);
  assert.deepEqual(fused, []);
});
