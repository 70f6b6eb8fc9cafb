// The statistics of `mla compare` against textbook figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holmAdjust } from '../../src/core/compare/holm';
import { pairedTTest } from '../../src/core/compare/paired-t';
import { tCdf, tQuantile } from '../../src/core/compare/student-t';

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test("Student's sleep data (Cushny & Peebles): paired t = 4.0621, df 9, p = 0.002833, CI [0.7001, 2.4599] as R gives", () => {
  const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const r = pairedTTest(drug2, drug1);
  assert.equal(r.n, 10);
  assert.equal(r.df, 9);
  close(r.meanDiff, 1.58, 1e-12);
  close(r.t, 4.062128, 1e-6);
  close(r.p, 0.00283289, 1e-8);
  close(r.ciLow, 0.7001142, 1e-7);
  close(r.ciHigh, 2.4598858, 1e-7);
  const swapped = pairedTTest(drug1, drug2);
  close(swapped.t, -4.062128, 1e-6);
  close(swapped.p, r.p, 1e-15);
});

test('the t distribution with 2 degrees of freedom matches its closed form F(t) = 1/2 + t / (2 sqrt(2 + t²))', () => {
  for (const t of [-3, -0.5, 0, 1, 8]) close(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-14);
  close(tQuantile(0.975, 2), 4.30265273, 1e-8);
  close(tQuantile(0.975, 9), 2.262157163, 1e-8);
});

test('equal differences give a degenerate test: p 0 with a point interval, or p 1 when there is no difference', () => {
  const shifted = pairedTTest([0.5, 0.6, 0.7], [0.4, 0.5, 0.6]);
  close(shifted.meanDiff, 0.1, 1e-12);
  close(shifted.ciLow, 0.1, 1e-12);
  assert.ok(Math.abs(shifted.t) > 1e12, `t = ${shifted.t}`);
  assert.ok(shifted.p < 1e-12, `p = ${shifted.p}`);
  const same = pairedTTest([0.5, 0.6], [0.5, 0.6]);
  assert.equal(same.t, 0);
  assert.equal(same.p, 1);
});

test('fewer than two pairs, or lists of different lengths, are refused', () => {
  assert.throws(() => pairedTTest([0.5], [0.4]), /at least two pairs/);
  assert.throws(() => pairedTTest([0.5, 0.6], [0.4]), /2 values against 1/);
});

test('Holm: p = 0.01, 0.04, 0.03 become 0.03, 0.06, 0.06 (3·0.01; max(2·0.03, 1·0.04)); the order is kept; capped at 1', () => {
  const adjusted = holmAdjust([0.01, 0.04, 0.03]);
  [0.03, 0.06, 0.06].forEach((e, i) => close(adjusted[i], e, 1e-15));
  assert.deepEqual(holmAdjust([0.6, 0.7]), [1, 1]);
  assert.deepEqual(holmAdjust([]), []);
});
