import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minMaxBuckets } from '../../src/core/series/downsample';
import { smoothEma } from '../../src/core/series/smoothing';
import { estimateEtaSeconds } from '../../src/core/series/eta';

describe('minMaxBuckets', () => {
  it('returns short ranges unchanged, NaN as null', () => {
    const out = minMaxBuckets([1, 2, 3], [[0.5, NaN, 0.7]], 0, 3, 10);
    assert.deepEqual(out, { x: [1, 2, 3], columns: [[0.5, null, 0.7]] });
  });

  it('keeps each bucket’s min and max in the order they occurred, at the bucket’s first and last x', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = [5, 1, 9, 3, 2, 8, 7, 0];
    const out = minMaxBuckets(x, [y], 0, 8, 2);
    // Bucket 1 = epochs 1-4: min 1 (at 2) before max 9 (at 3); bucket 2 = 5-8: max 8 (at 6) before min 0 (at 8).
    assert.deepEqual(out.x, [1, 4, 5, 8]);
    assert.deepEqual(out.columns[0], [1, 9, 8, 0]);
  });

  it('reduces 100,000 points to 2 per bucket and keeps the global extremes', () => {
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500) + (i === 73_123 ? 10 : 0));
    const b = Float64Array.from({ length: n }, (_, i) => (i === 4_000 ? -5 : i / n));
    const out = minMaxBuckets(x, [a, b], 0, n, 1000);
    assert.equal(out.x.length, 2000);
    assert.equal(out.columns[0].length, 2000);
    assert.equal(Math.max(...(out.columns[0] as number[])), a[73_123]);
    assert.equal(Math.min(...(out.columns[1] as number[])), -5);
    assert.equal(out.x[0], 1);
    assert.equal(out.x.at(-1), n);
  });

  it('cuts a range and gives a bucket without values nulls', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = [1, 2, NaN, NaN, NaN, NaN, 7, 8, 9, 10];
    const out = minMaxBuckets(x, [y], 2, 6, 1);
    assert.deepEqual(out.x, [3, 6]);
    assert.deepEqual(out.columns[0], [null, null]);
  });
});

describe('smoothEma', () => {
  it('is the identity at 0 and debiased (the first point is the first value)', () => {
    assert.deepEqual([...smoothEma([1, 2, 3], 0)], [1, 2, 3]);
    const s = smoothEma([4, 4, 4, 4], 0.9);
    for (const v of s) assert.ok(Math.abs(v - 4) < 1e-12);
  });

  it('averages towards recent values and skips missing ones', () => {
    const s = smoothEma([0, 10, NaN, 10], 0.5);
    // Debiased EMA: 0; (0.5*0 + 0.5*10)/(1-0.25) = 6.667; NaN; (0.5*5 + 0.5*10)/(1-0.125) = 8.571
    assert.equal(s[0], 0);
    assert.ok(Math.abs(s[1] - 20 / 3) < 1e-12);
    assert.ok(Number.isNaN(s[2]));
    assert.ok(Math.abs(s[3] - 7.5 / 0.875) < 1e-12);
  });
});

describe('estimateEtaSeconds', () => {
  it('uses the pace of the last epochs', () => {
    // Epochs 8..10 took 2 s each; 90 epochs left.
    assert.equal(estimateEtaSeconds([30, 32, 34], 10, 100), 180);
  });
  it('falls back to the mean pace with one epoch, and is 0 when done', () => {
    assert.equal(estimateEtaSeconds([5], 1, 11), 50);
    assert.equal(estimateEtaSeconds([50, 51], 20, 20), 0);
    assert.equal(estimateEtaSeconds([], 0, 20), null);
  });
});
