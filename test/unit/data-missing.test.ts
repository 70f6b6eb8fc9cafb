import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combinePresence, simulateMissing } from '../../src/core/data/missing';
import type { Dataset } from '../../src/core/data/types';

describe('simulateMissing', () => {
  it('drops each modality at about the given rate and never all of them', () => {
    const n = 20000;
    for (const [modalities, rate] of [
      [3, 0.3],
      [2, 0.5],
      [6, 0.7],
    ]) {
      const masks = simulateMissing(n, modalities, rate, 42);
      assert.equal(masks.length, modalities);
      let dropped = 0;
      for (let i = 0; i < n; i++) {
        let kept = 0;
        for (const mask of masks) {
          assert.ok(mask[i] === 0 || mask[i] === 1);
          kept += mask[i];
        }
        assert.ok(kept >= 1, `sample ${i} lost every modality`);
        dropped += modalities - kept;
      }
      // Expected share dropped: rate, less the rate^M of samples that get one modality back.
      const expected = rate - Math.pow(rate, modalities) / modalities;
      const observed = dropped / (n * modalities);
      assert.ok(
        Math.abs(observed - expected) < 0.01,
        `M=${modalities} r=${rate}: ${observed} vs ${expected}`,
      );
    }
  });

  it('spreads the rescued modality over all modalities', () => {
    const masks = simulateMissing(20000, 2, 0.9, 1);
    const onlyFirst = masks[0].filter((v, i) => v === 1 && masks[1][i] === 0).length;
    const onlySecond = masks[1].filter((v, i) => v === 1 && masks[0][i] === 0).length;
    assert.ok(Math.abs(onlyFirst - onlySecond) / (onlyFirst + onlySecond) < 0.05);
  });

  it('is fixed by the seed, keeps everything at rate 0, and rejects rates outside [0, 1)', () => {
    assert.deepEqual(simulateMissing(100, 3, 0.4, 7), simulateMissing(100, 3, 0.4, 7));
    assert.notDeepEqual(simulateMissing(100, 3, 0.4, 7), simulateMissing(100, 3, 0.4, 8));
    assert.ok(simulateMissing(50, 2, 0, 7).every((m) => m.every((v) => v === 1)));
    assert.ok(simulateMissing(50, 1, 0.9, 7)[0].every((v) => v === 1));
    assert.throws(() => simulateMissing(10, 2, 1, 0), { message: 'missing rate 1 is outside [0, 1)' });
  });
});

function dataset(present: (Uint8Array | null)[]): Dataset {
  return {
    name: 't',
    source: 't',
    classes: ['a', 'b'],
    labels: Int32Array.from([0, 1, 0, 1]),
    modalities: present.map((p, k) => ({
      name: `m${k}`,
      sampleShape: [1],
      features: new Float32Array(4),
      present: p,
    })),
    splits: { train: Int32Array.from([0, 1]), val: null, test: Int32Array.from([2, 3]) },
  };
}

describe('combinePresence', () => {
  it('is all ones where neither a manifest mask nor a simulation exists', () => {
    const out = combinePresence(dataset([null, null]), null);
    assert.deepEqual(
      out.map((m) => Array.from(m)),
      [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
      ],
    );
  });

  it('ANDs the manifest masks with the simulated ones', () => {
    const ds = dataset([Uint8Array.from([1, 0, 1, 1]), null]);
    const out = combinePresence(ds, [Uint8Array.from([1, 1, 0, 1]), Uint8Array.from([0, 1, 1, 1])]);
    assert.deepEqual(
      out.map((m) => Array.from(m)),
      [
        [1, 0, 0, 1],
        [0, 1, 1, 1],
      ],
    );
    assert.deepEqual(Array.from(combinePresence(ds, null)[0]), [1, 0, 1, 1]);
  });

  it('gives back a manifest-present modality where the AND would leave a sample with none', () => {
    const ds = dataset([Uint8Array.from([1, 1, 1, 1]), Uint8Array.from([0, 1, 1, 1])]);
    const out = combinePresence(ds, [Uint8Array.from([0, 1, 1, 1]), Uint8Array.from([1, 1, 1, 1])]);
    assert.deepEqual(Array.from(out[0]), [1, 1, 1, 1]);
    assert.deepEqual(Array.from(out[1]), [0, 1, 1, 1]);
  });
});
