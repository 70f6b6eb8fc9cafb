// The real UCI handwritten dataset (beside the clone) loads as the unit tier's small stand-in promises:
// 2000 samples, six views of the known widths, the tmc split, the published first row. Skipped, with the
// reason, where the dataset is absent.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/core/config/validate';
import { loadDatasetFile } from '../../src/core/data/manifest';
import { SHARED } from '../support/training';

const DATASET = path.join(SHARED, 'datasets', 'handwritten', 'dataset.json');
const CONFIG = path.join(SHARED, 'peer', 'handwritten.mla.json');

describe('the handwritten dataset', () => {
  it('loads 2000 samples, 6 modalities and the tmc split', async (t) => {
    if (!fs.existsSync(DATASET)) {
      t.skip(`the handwritten dataset is not at ${DATASET}`);
      return;
    }
    const ds = await loadDatasetFile(DATASET);
    assert.equal(ds.labels.length, 2000);
    assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(
      ds.modalities.map((m) => [m.name, m.sampleShape]),
      [
        ['pix', [240]],
        ['fou', [76]],
        ['fac', [216]],
        ['zer', [47]],
        ['kar', [64]],
        ['mor', [6]],
      ],
    );
    for (const m of ds.modalities) {
      assert.ok(m.features instanceof Float32Array);
      assert.equal(m.features.length, 2000 * m.sampleShape[0]);
      assert.equal(m.present, null);
    }
    assert.equal(ds.splits.train.length, 1600);
    assert.equal(ds.splits.test.length, 400);
    assert.equal(ds.splits.val, null);
    // Rows in UCI order: 200 per digit.
    assert.equal(ds.labels[0], 0);
    assert.equal(ds.labels[1999], 9);
    assert.equal(ds.labels[200], 1);
    // First row of view_mor.csv.gz: 1.0,0.0,0.0,133.1508614,1.31169276,1620.22177892
    const mor = ds.modalities[5].features;
    assert.deepEqual(Array.from(mor.subarray(0, 3)), [1, 0, 0]);
    assert.equal(mor[3], Math.fround(133.1508614));
    assert.equal(ds.name, 'handwritten (UCI Multiple Features)');
    assert.equal(ds.source, DATASET);
  });

  it('its config validates cleanly against it', async (t) => {
    if (!fs.existsSync(CONFIG) || !fs.existsSync(DATASET)) {
      t.skip(`the handwritten config or dataset is not at ${CONFIG}, ${DATASET}`);
      return;
    }
    const result = await validateConfig(fs.readFileSync(CONFIG, 'utf8'), CONFIG);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.config?.dataset, DATASET);
    assert.deepEqual(Object.keys(result.config?.model.encoders ?? {}), [
      'pix',
      'fou',
      'fac',
      'zer',
      'kar',
      'mor',
    ]);
  });
});
