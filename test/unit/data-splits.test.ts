import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carveValidation, roundHalfEven } from '../../src/core/data/splits';

/** 3 classes: class 0 has 50 train rows, class 1 has 25, class 2 has 1; train in a scrambled manifest order. */
function fixture() {
  const labels = new Int32Array(100);
  const train: number[] = [];
  for (let i = 0; i < 100; i++) {
    labels[i] = i < 50 ? 0 : i < 75 ? 1 : 2;
    if (i <= 75) train.push(i);
  }
  // A manifest order that is not ascending (by i mod 7), to check it survives.
  train.sort((a, b) => (a % 7) - (b % 7) || a - b);
  return { labels, train: Int32Array.from(train) };
}

describe('carveValidation', () => {
  it('takes round(fraction × n_c) per class, at least one for classes of 2 or more', () => {
    const { labels, train } = fixture();
    const { train: rest, val } = carveValidation(train, labels, 0.1, 3);
    const count = (rows: Int32Array, c: number) => rows.filter((i) => labels[i] === c).length;
    assert.equal(count(val, 0), 5); // 0.1 × 50
    assert.equal(count(val, 1), 2); // 0.1 × 25 = 2.5 rounds to even, as Python's round
    assert.equal(count(val, 2), 0); // a single-row class stays in train
    assert.equal(val.length + rest.length, train.length);

    const tiny = carveValidation(Int32Array.from([0, 1, 2, 50, 51]), labels, 0.05, 0);
    assert.equal(tiny.val.filter((i) => labels[i] === 0).length, 1); // round(0.15) = 0, raised to 1
    assert.equal(tiny.val.filter((i) => labels[i] === 1).length, 1);
  });

  it('returns val sorted, disjoint from train, and keeps the manifest order of the rest', () => {
    const { labels, train } = fixture();
    const { train: rest, val } = carveValidation(train, labels, 0.2, 11);
    assert.deepEqual(
      Array.from(val),
      Array.from(val).sort((a, b) => a - b),
    );
    const inVal = new Set(val);
    assert.ok(rest.every((i) => !inVal.has(i)));
    assert.deepEqual(
      Array.from(rest),
      Array.from(train).filter((i) => !inVal.has(i)),
    );
  });

  it('is determined by the seed', () => {
    const { labels, train } = fixture();
    const a = carveValidation(train, labels, 0.2, 5);
    const b = carveValidation(train, labels, 0.2, 5);
    const c = carveValidation(train, labels, 0.2, 6);
    assert.deepEqual(Array.from(a.val), Array.from(b.val));
    assert.deepEqual(Array.from(a.train), Array.from(b.train));
    assert.notDeepEqual(Array.from(a.val), Array.from(c.val));
    assert.equal(a.val.length, c.val.length);
  });

  it('draws every row with about equal probability', () => {
    const { labels, train } = fixture();
    const hits = new Float64Array(100);
    const runs = 400;
    for (let seed = 0; seed < runs; seed++)
      for (const i of carveValidation(train, labels, 0.2, seed).val) hits[i]++;
    // Each row is drawn with probability 0.2 per seed: over 400 seeds its share has σ = √(0.2·0.8/400) = 0.02.
    const sigma = Math.sqrt((0.2 * 0.8) / runs);
    for (let i = 0; i < 50; i++)
      assert.ok(
        Math.abs(hits[i] / runs - 0.2) < 3 * sigma,
        `row ${i}: ${hits[i] / runs} (3σ = ${3 * sigma})`,
      );
  });

  it('with fraction 0 returns the train rows unchanged and no validation', () => {
    const { labels, train } = fixture();
    const { train: rest, val } = carveValidation(train, labels, 0, 1);
    assert.equal(val.length, 0);
    assert.deepEqual(Array.from(rest), Array.from(train));
    assert.throws(() => carveValidation(train, labels, 1, 1), {
      message: 'validation fraction 1 is outside [0, 1)',
    });
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour like Python', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 0].map(roundHalfEven), [0, 2, 2, 4, 2, 3, 0]);
  });
});
