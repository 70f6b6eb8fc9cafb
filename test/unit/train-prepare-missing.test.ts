// What the training loop is given under simulated missing modalities: the train and test rates apart, the
// extra test presence of an evaluation, and the two fills (skipped, or zeros taken as input).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import type { Dataset } from '../../src/core/data/types';
import { prepareData } from '../../src/core/train/prepare';
import { runConfig } from './runs-fixtures';

const N = 4000;

/** Two one-feature modalities of value 1 + row % 3; rows 0–1999 train, 2000–2999 val, 3000–3999 test. */
function dataset(): Dataset {
  const features = Float32Array.from({ length: N }, (_, i) => 1 + (i % 3));
  const rows = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  return {
    name: 't',
    source: 't/dataset.json',
    classes: ['x', 'y'],
    labels: Int32Array.from({ length: N }, (_, i) => i % 2),
    modalities: ['a', 'b'].map((name) => ({ name, sampleShape: [1], features, present: null })),
    splits: { train: rows(0, 2000), val: rows(2000, 3000), test: rows(3000, N) },
  };
}

function config(preprocess: Partial<ResolvedConfig['preprocess']>): ResolvedConfig {
  const base = runConfig('t', 0, 'g');
  return { ...base, preprocess: { ...base.preprocess, scale: 'none', ...preprocess } } as ResolvedConfig;
}

function absent(present: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) c += 1 - present[i];
  return c / (to - from);
}

describe('prepareData under missing modalities', () => {
  it('drops train and validation rows at the train rate and test rows at the test rate', () => {
    const data = prepareData(dataset(), config({ missingRate: { train: 0, test: 0.4 } }), 1);
    for (const m of data.modalities) {
      assert.equal(absent(m.present, 0, 3000), 0, `${m.name}: train and val rows`);
      // 0.4 per modality, less 0.16 / 2 of test rows given one back: 0.32.
      assert.ok(
        Math.abs(absent(m.present, 3000, N) - 0.32) < 0.04,
        `${m.name}: ${absent(m.present, 3000, N)}`,
      );
      assert.equal(m.hasMissing, true);
    }
  });

  it('a test presence is ANDed into the test rows only, and absent rows read zeros', () => {
    const onlyB = [new Uint8Array(N), new Uint8Array(N).fill(1)];
    const data = prepareData(dataset(), config({}), 1, { testPresence: onlyB });
    const [a, b] = data.modalities;
    assert.equal(absent(a.present, 0, 3000), 0);
    assert.equal(absent(a.present, 3000, N), 1);
    assert.equal(absent(b.present, 0, N), 0);
    assert.equal(a.features[2999], 1 + (2999 % 3));
    assert.equal(a.features[3000], 0);
    assert.equal(b.features[3000], 1 + (3000 % 3));
  });

  it('the zeros fill feeds zeros as input and marks every row present', () => {
    const onlyB = [new Uint8Array(N), new Uint8Array(N).fill(1)];
    const data = prepareData(dataset(), config({ missingFill: 'zeros' }), 1, { testPresence: onlyB });
    const [a] = data.modalities;
    assert.equal(a.hasMissing, false);
    assert.equal(absent(a.present, 0, N), 0);
    assert.equal(a.features[3000], 0);
    assert.equal(a.features[3001], 0);
    assert.equal(a.features[2000], 1 + (2000 % 3));
  });
});
