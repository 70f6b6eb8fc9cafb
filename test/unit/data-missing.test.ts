import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  combinePresence,
  missingRatesOf,
  simulateMissing,
  simulatePresence,
} from '../../src/core/data/missing';
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

describe('missing rates per split', () => {
  it('reads a number as both rates and an object as its train and test rates, 0 where absent', () => {
    assert.deepEqual(missingRatesOf(0.3), { train: 0.3, test: 0.3 });
    assert.deepEqual(missingRatesOf({ train: 0.2, test: 0.5 }), { train: 0.2, test: 0.5 });
    assert.deepEqual(missingRatesOf({ test: 0.4 }), { train: 0, test: 0.4 });
    assert.deepEqual(missingRatesOf(undefined), { train: 0, test: 0 });
  });

  it('equal rates draw as the single rate always did; nothing simulated at 0', () => {
    const test = Int32Array.from({ length: 500 }, (_, i) => 1500 + i);
    assert.deepEqual(
      simulatePresence(2000, 3, { train: 0.4, test: 0.4 }, 9, test),
      simulateMissing(2000, 3, 0.4, 9),
    );
    assert.equal(simulatePresence(2000, 3, { train: 0, test: 0 }, 9, test), null);
  });

  it('different rates: the train rows keep the train draw, the test rows drop at the test rate', () => {
    const n = 20000;
    const test = Int32Array.from({ length: 10000 }, (_, i) => 10000 + i);
    const masks = simulatePresence(n, 2, { train: 0, test: 0.5 }, 3, test)!;
    const dropped = (from: number, to: number) => {
      let d = 0;
      for (let i = from; i < to; i++) d += 2 - masks[0][i] - masks[1][i];
      return d / (2 * (to - from));
    };
    assert.equal(dropped(0, 10000), 0);
    // Rate 0.5 of two modalities, less the 0.25 / 2 of samples that get one back: 0.375.
    assert.ok(Math.abs(dropped(10000, n) - 0.375) < 0.01, `test rows dropped ${dropped(10000, n)}`);
    const same = simulatePresence(n, 2, { train: 0.3, test: 0.5 }, 3, test)!;
    const trainOnly = simulateMissing(n, 2, 0.3, 3);
    for (let i = 0; i < 10000; i++) assert.equal(same[0][i], trainOnly[0][i], `train row ${i}`);
  });
});
