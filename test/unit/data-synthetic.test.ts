import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDatasetFile } from '../../src/core/data/manifest';
import {
  EXAMPLE_MODALITIES,
  generateExampleDataset,
  generateGridDataset,
  generateMixedDataset,
  generateSequenceDataset,
  writeExampleDataset,
  writeGeneratedDataset,
} from '../../src/core/data/synthetic';

const root = mkdtempSync(path.join(os.tmpdir(), 'mla-synthetic-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * Accuracy on the `evaluate` rows of a nearest-class-mean classifier fitted on the `fit` rows, both
 * restricted to the given classes: a linear baseline.
 */
function nearestMeanAccuracy(
  x: Float32Array,
  labels: Int32Array,
  classes: readonly number[],
  fit: Int32Array,
  evaluate: Int32Array,
) {
  const d = x.length / labels.length;
  const mean = new Map(classes.map((c) => [c, new Float64Array(d)]));
  const count = new Map(classes.map((c) => [c, 0]));
  const rows = (split: Int32Array) => Array.from(split).filter((i) => classes.includes(labels[i]));
  for (const i of rows(fit)) {
    count.set(labels[i], count.get(labels[i])! + 1);
    const m = mean.get(labels[i])!;
    for (let j = 0; j < d; j++) m[j] += x[i * d + j];
  }
  for (const c of classes) for (let j = 0; j < d; j++) mean.get(c)![j] /= count.get(c)!;
  const evaluated = rows(evaluate);
  let correct = 0;
  for (const i of evaluated) {
    let best = -1;
    let bestDist = Infinity;
    for (const c of classes) {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (x[i * d + j] - mean.get(c)![j]) ** 2;
      if (dist < bestDist) [best, bestDist] = [c, dist];
    }
    if (best === labels[i]) correct++;
  }
  return correct / evaluated.length;
}

const ALL = [0, 1, 2, 3, 4];
const OWNED_BY_STRONG = [0, 1, 2];
const OWNED_BY_WEAK = [3, 4];

describe('generateExampleDataset', () => {
  it('has 1500 samples, 5 balanced classes, strong/medium/weak of 16/24/32 features and a stratified 80/20 split', () => {
    const { manifest, files } = generateExampleDataset();
    assert.deepEqual(Object.keys(manifest.modalities), ['strong', 'medium', 'weak']);
    assert.deepEqual(files['strong.npy'].shape, [1500, 16]);
    assert.deepEqual(files['medium.npy'].shape, [1500, 24]);
    assert.deepEqual(files['weak.npy'].shape, [1500, 32]);
    const labels = files['labels.npy'].data as Int32Array;
    const counts = new Array(5).fill(0);
    for (const y of labels) counts[y]++;
    assert.deepEqual(counts, [300, 300, 300, 300, 300]);
    const train = files['split_train.npy'].data as Int32Array;
    const test = files['split_test.npy'].data as Int32Array;
    assert.equal(train.length, 1200);
    assert.equal(test.length, 300);
    const testCounts = new Array(5).fill(0);
    for (const i of test) testCounts[labels[i]]++;
    assert.deepEqual(testCounts, [60, 60, 60, 60, 60]);
    assert.equal(new Set([...train, ...test]).size, 1500);
  });

  it('is fixed by the seed', () => {
    const a = generateExampleDataset({ seed: 3, samples: 200 });
    const b = generateExampleDataset({ seed: 3, samples: 200 });
    const c = generateExampleDataset({ seed: 4, samples: 200 });
    assert.deepEqual(a.files['weak.npy'].data, b.files['weak.npy'].data);
    assert.notDeepEqual(a.files['weak.npy'].data, c.files['weak.npy'].data);
  });

  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: strong reads class0–2 best, only weak tells class3 from class4, strong's shortcut holds on train only`, () => {
      const { files } = generateExampleDataset({ seed });
      const labels = files['labels.npy'].data as Int32Array;
      const train = files['split_train.npy'].data as Int32Array;
      const test = files['split_test.npy'].data as Int32Array;
      const acc = (m: string, classes: readonly number[], evaluate = test) =>
        nearestMeanAccuracy(files[`${m}.npy`].data as Float32Array, labels, classes, train, evaluate);
      const [strong, medium, weak] = ['strong', 'medium', 'weak'].map((m) => acc(m, OWNED_BY_STRONG));
      assert.ok(strong >= 0.93, `strong on class0–2 ${strong}`);
      assert.ok(strong - medium > 0.08 && strong - weak > 0.1, `class0–2: ${strong} > ${medium}, ${weak}`);
      const pair = (m: string) => acc(m, OWNED_BY_WEAK);
      assert.ok(Math.abs(pair('strong') - 0.5) < 0.1, `strong, class3 vs class4 at test ${pair('strong')}`);
      assert.ok(Math.abs(pair('medium') - 0.5) < 0.1, `medium, class3 vs class4 at test ${pair('medium')}`);
      assert.ok(pair('weak') >= 0.8, `weak, class3 vs class4 at test ${pair('weak')}`);
      assert.equal(acc('strong', OWNED_BY_WEAK, train), 1, 'the shortcut separates class3/class4 on train');
      assert.ok(acc('medium', OWNED_BY_WEAK, train) < 0.6, 'medium has no shortcut');
    });
  }

  it('draws a modality blind to some classes without the shortcut on the test rows', () => {
    const { files } = generateExampleDataset();
    const test = files['split_test.npy'].data as Int32Array;
    const plain = generateExampleDataset({
      modalities: EXAMPLE_MODALITIES.map((m) => ({ ...m, shortcut: undefined })),
    });
    const d = EXAMPLE_MODALITIES[0].dim;
    const rowOf = (data: Float32Array, i: number) => Array.from(data.subarray(i * d, (i + 1) * d));
    const withShortcut = files['strong.npy'].data as Float32Array;
    const without = plain.files['strong.npy'].data as Float32Array;
    for (const i of test) assert.deepEqual(rowOf(withShortcut, i), rowOf(without, i));
    const train = files['split_train.npy'].data as Int32Array;
    const labels = files['labels.npy'].data as Int32Array;
    const class3 = Array.from(train).find((i) => labels[i] === 3)!;
    const moved = Math.hypot(...rowOf(withShortcut, class3).map((v, j) => v - rowOf(without, class3)[j]));
    assert.ok(Math.abs(moved - 5) < 1e-4, `class3's train row moved by ${moved}, expected the strength 5`);
  });

  it('makes difficulty a parameter: more separation, higher accuracy', () => {
    const accFor = (separation: number) => {
      const spec = { ...EXAMPLE_MODALITIES[2], separation };
      const { files } = generateExampleDataset({ modalities: [spec] });
      return nearestMeanAccuracy(
        files['weak.npy'].data as Float32Array,
        files['labels.npy'].data as Int32Array,
        ALL,
        files['split_train.npy'].data as Int32Array,
        files['split_test.npy'].data as Int32Array,
      );
    };
    assert.ok(accFor(0) < 0.35, 'no separation: near chance (0.2)');
    assert.ok(accFor(8) > 0.97);
  });

  it('writes .npy files and a dataset.json that loadDatasetFile reads back', async () => {
    const manifestPath = await writeExampleDataset(path.join(root, 'example'), { samples: 300 });
    assert.equal(manifestPath, path.join(root, 'example', 'dataset.json'));
    const ds = await loadDatasetFile(manifestPath);
    assert.equal(ds.labels.length, 300);
    assert.deepEqual(ds.classes, ['class0', 'class1', 'class2', 'class3', 'class4']);
    assert.deepEqual(
      ds.modalities.map((m) => [m.name, m.sampleShape]),
      [
        ['strong', [16]],
        ['medium', [24]],
        ['weak', [32]],
      ],
    );
    assert.equal(ds.splits.train.length + ds.splits.test.length, 300);
    const generated = generateExampleDataset({ samples: 300 });
    assert.deepEqual(ds.modalities[2].features, generated.files['weak.npy'].data);
  });
});

describe('grid and sequence datasets', () => {
  it('have a [32, 32] grid, a [16, 32] sequence and a vector modality, and load back', async () => {
    const grid = generateGridDataset();
    assert.deepEqual(Object.keys(grid.manifest.modalities), ['image', 'vector']);
    assert.deepEqual(grid.files['image.npy'].shape, [400, 32, 32]);
    const seq = generateSequenceDataset();
    assert.deepEqual(Object.keys(seq.manifest.modalities), ['series', 'vector']);
    assert.deepEqual(seq.files['series.npy'].shape, [400, 16, 32]);
    const mixed = generateMixedDataset({ samples: 100 });
    assert.deepEqual(Object.keys(mixed.manifest.modalities), ['image', 'series', 'vector']);
    const ds = await loadDatasetFile(await writeGeneratedDataset(path.join(root, 'mixed'), mixed));
    assert.deepEqual(
      ds.modalities.map((m) => m.sampleShape),
      [[32, 32], [16, 32], [16]],
    );
  });

  it('carry class information in every modality', () => {
    const { files } = generateMixedDataset();
    const labels = files['labels.npy'].data as Int32Array;
    const train = files['split_train.npy'].data as Int32Array;
    const test = files['split_test.npy'].data as Int32Array;
    for (const m of ['image', 'series', 'vector']) {
      const acc = nearestMeanAccuracy(
        files[`${m}.npy`].data as Float32Array,
        labels,
        [0, 1, 2, 3],
        train,
        test,
      );
      assert.ok(acc > 0.4, `${m}: ${acc} (chance 0.25)`);
    }
  });
});
