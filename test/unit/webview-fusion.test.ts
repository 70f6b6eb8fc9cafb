import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FusionRecord } from '../../src/core/runs/types';
import {
  entropy,
  favouredStats,
  fusionRuleNote,
  sampleDetail,
  sampleList,
  shownClasses,
  testSetStats,
  weightHistogram,
} from '../../webview/dashboard/logic/fusion';

function r(
  index: number,
  label: number,
  a: number[],
  b: number[] | null,
  wa: number,
  fused: number[],
): FusionRecord {
  const prediction = fused.indexOf(Math.max(...fused));
  return {
    id: 100 + index,
    index,
    label,
    probs: b ? { a, b } : { a },
    entropy: b ? { a: entropy(a), b: entropy(b) } : { a: entropy(a) },
    weights: b ? { a: wa, b: 1 - wa } : { a: 1 },
    fused,
    prediction,
    correct: prediction === label,
  };
}

const records = [
  r(0, 0, [0.9, 0.1], [0.8, 0.2], 0.7, [0.87, 0.13]),
  r(1, 1, [0.6, 0.4], [0.2, 0.8], 0.3, [0.32, 0.68]),
  r(2, 1, [0.7, 0.3], [0.45, 0.55], 0.75, [0.65, 0.35]),
  r(3, 0, [0.5, 0.5], null, 1, [0.5, 0.5]),
];

describe('sample lists', () => {
  it('lists misclassified, most uncertain, disagreeing and random samples', () => {
    assert.deepEqual(sampleList(records, 'misclassified', 10), [2]);
    assert.deepEqual(sampleList(records, 'uncertain', 2), [3, 2]);
    assert.deepEqual(sampleList(records, 'disagreeing', 10), [1, 2]);
    const random = sampleList(records, 'random', 10, 7);
    assert.deepEqual([...random].sort(), [0, 1, 2, 3]);
    assert.deepEqual(sampleList(records, 'random', 10, 7), random, 'the same seed gives the same list');
    assert.deepEqual(sampleList(records, 'all', 3), [0, 1, 2]);
  });
});

describe('sample detail', () => {
  it('gives each modality’s prediction, entropy and weight, and marks a missing modality', () => {
    const d = sampleDetail(records[2], ['a', 'b']);
    assert.equal(d.correct, false);
    assert.deepEqual(
      d.modalities.map((m) => [m.modality, m.prediction, m.correct, m.weight]),
      [
        ['a', 0, false, 0.75],
        ['b', 1, true, 0.25],
      ],
    );
    assert.ok(Math.abs(d.fusedEntropy - entropy([0.65, 0.35])) < 1e-12);
    assert.equal(sampleDetail(records[3], ['a', 'b']).modalities[1].present, false);
    assert.ok(Math.abs(entropy([0.5, 0.5]) - Math.log(2)) < 1e-12);
  });

  it('shows all classes when few, else the top ones plus the true class', () => {
    const many = r(
      0,
      11,
      [],
      null,
      1,
      Array.from({ length: 12 }, (_, i) => (i === 3 ? 0.5 : 0.5 / 11)),
    );
    const shown = shownClasses(sampleDetail(many, ['a']), 4);
    assert.equal(shown.length, 4);
    assert.ok(shown.includes(3) && shown.includes(11));
    assert.deepEqual(shownClasses(sampleDetail(records[0], ['a'])), [0, 1]);
  });
});

describe('test-set statistics', () => {
  it('bins fusion weights and gives accuracy where the weights favour each modality', () => {
    assert.deepEqual(weightHistogram(records, 'b', 5), [0, 2, 0, 1, 0]);
    assert.deepEqual(weightHistogram(records, 'a', 2), [1, 3]);
    const fav = favouredStats(records, ['a', 'b']);
    // a is favoured on 0, 2, 3 (fused right on 0 and 3); b on 1 (right).
    assert.equal(fav[0].samples, 3);
    assert.ok(Math.abs(fav[0].fusedAccuracy - 2 / 3) < 1e-12);
    assert.ok(Math.abs(fav[0].modalityAccuracy - 2 / 3) < 1e-12);
    assert.equal(fav[1].samples, 1);
    assert.equal(fav[1].fusedAccuracy, 1);
    const stats = testSetStats(records, ['a', 'b']);
    assert.equal(stats.fusedAccuracy, 0.75);
    assert.equal(stats.modalityAccuracy.b, 1);
    assert.ok(Math.abs(stats.modalityAccuracy.a - 2 / 4) < 1e-12);
  });

  it('says plainly when weights are per batch, or absent (joint)', () => {
    assert.match(fusionRuleNote('entropy-batch', 'mla')!, /per batch of test samples, not per sample/);
    assert.match(fusionRuleNote('concat-head', 'joint')!, /no per-modality fusion weights/);
    assert.equal(fusionRuleNote('entropy', 'mla'), null);
  });
});
