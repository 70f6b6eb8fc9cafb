import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDataset, loadDatasetFile } from '../../src/core/data/manifest';
import { encodeNpy } from '../../src/core/data/npy';
import {
  cell,
  handwrittenLikeWorkspace,
  labelOf,
  SAMPLES,
  TEST_ROWS,
  VIEWS,
} from '../fixtures/handwritten/makeHandwrittenLike';

const root = mkdtempSync(path.join(os.tmpdir(), 'mla-manifest-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/**
 * A valid 6-sample dataset (3 classes, modalities `a` [6,2] csv and `b` [6,2,2] npy) in a fresh folder;
 * `files` replaces or adds files, `manifest` replaces keys.
 */
function makeDataset(
  files: Record<string, string | Uint8Array> = {},
  manifest: Record<string, unknown> = {},
) {
  const dir = path.join(root, `ds${counter++}`);
  const base: Record<string, string | Uint8Array> = {
    'labels.csv': '0\n1\n2\n0\n1\n2\n',
    'a.csv': '1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n',
    'b.npy': encodeNpy({ shape: [6, 2, 2], data: new Float32Array(24).map((_, i) => i / 2) }),
    'train.txt': '0\n1\n2\n3\n',
    'test.txt': '4\n5\n',
    ...files,
  };
  mkdirSync(dir);
  for (const [name, content] of Object.entries(base)) writeFileSync(path.join(dir, name), content);
  const json = {
    labels: 'labels.csv',
    classes: ['x', 'y', 'z'],
    modalities: { a: { features: 'a.csv' }, b: { features: 'b.npy' } },
    splits: { train: 'train.txt', test: 'test.txt' },
    ...manifest,
  };
  const file = path.join(dir, 'dataset.json');
  writeFileSync(file, JSON.stringify(json));
  return { dir, file, json, at: (name: string) => path.join(dir, name) };
}

describe('loadDatasetFile on a handwritten-shaped dataset', () => {
  it('loads six gzipped CSV views, the labels in UCI order and the split, with exact values', async () => {
    const { manifest } = handwrittenLikeWorkspace();
    const ds = await loadDatasetFile(manifest);
    assert.equal(ds.labels.length, SAMPLES);
    assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(
      ds.modalities.map((m) => [m.name, m.sampleShape]),
      VIEWS.map(([view, width]) => [view, [width]]),
    );
    for (const m of ds.modalities) {
      assert.ok(m.features instanceof Float32Array);
      assert.equal(m.features.length, SAMPLES * m.sampleShape[0]);
      assert.equal(m.present, null);
      const width = m.sampleShape[0];
      for (const [row, column] of [
        [1, 0],
        [17, width - 1],
        [SAMPLES - 1, width >> 1],
      ])
        assert.equal(m.features[row * width + column], Math.fround(cell(m.name, row, column)), m.name);
    }
    assert.equal(ds.splits.train.length, SAMPLES - TEST_ROWS.length);
    assert.deepEqual(Array.from(ds.splits.test), TEST_ROWS);
    assert.equal(ds.splits.val, null);
    assert.deepEqual(
      Array.from(ds.labels),
      Array.from({ length: SAMPLES }, (_, i) => labelOf(i)),
    );
    // The real dataset's first row of view_mor: 1.0,0.0,0.0,133.1508614,1.31169276,1620.22177892
    const mor = ds.modalities[5].features;
    assert.deepEqual(Array.from(mor.subarray(0, 3)), [1, 0, 0]);
    assert.equal(mor[3], Math.fround(133.1508614));
    assert.equal(ds.name, 'handwritten-like');
    assert.equal(ds.source, manifest);
  });
});

describe('loadDataset checks', () => {
  it('loads a valid small dataset with grid features', async () => {
    const { file } = makeDataset();
    const ds = await loadDatasetFile(file);
    assert.deepEqual(Array.from(ds.labels), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(ds.modalities[1].sampleShape, [2, 2]);
    assert.equal(ds.modalities[1].features[5], 2.5);
    assert.deepEqual(Array.from(ds.splits.train), [0, 1, 2, 3]);
    assert.equal(ds.name, path.basename(path.dirname(file)));
  });

  it('gives a [N] feature array the sample shape [1] and defaults the classes', async () => {
    const { file } = makeDataset({ 'a.csv': '1\n2\n3\n4\n5\n6\n' }, { classes: undefined, name: 'tiny' });
    const ds = await loadDatasetFile(file);
    assert.deepEqual(ds.modalities[0].sampleShape, [1]);
    assert.deepEqual(ds.classes, ['0', '1', '2']);
    assert.equal(ds.name, 'tiny');
  });

  it('reads present masks and a val split', async () => {
    const { file } = makeDataset(
      { 'present.csv': '1\n0\n1\n1\n1\n0\n', 'val.txt': '3\n', 'train.txt': '0\n1\n2\n' },
      {
        modalities: { a: { features: 'a.csv', present: 'present.csv' }, b: { features: 'b.npy' } },
        splits: { train: 'train.txt', val: 'val.txt', test: 'test.txt' },
      },
    );
    const ds = await loadDatasetFile(file);
    assert.deepEqual(Array.from(ds.modalities[0].present!), [1, 0, 1, 1, 1, 0]);
    assert.equal(ds.modalities[1].present, null);
    assert.deepEqual(Array.from(ds.splits.val!), [3]);
  });

  it('accepts an inline manifest with its own description', async () => {
    const { dir, json } = makeDataset();
    const ds = await loadDataset(json, dir, '<inline manifest in x.mla.json>');
    assert.equal(ds.source, '<inline manifest in x.mla.json>');
    await assert.rejects(
      loadDataset({ ...json, labels: undefined }, dir, '<inline manifest in x.mla.json>'),
      {
        message: '<inline manifest in x.mla.json>: missing required key "labels"',
      },
    );
  });

  it('names a missing required key', async () => {
    for (const key of ['labels', 'modalities', 'splits']) {
      const { file } = makeDataset({}, { [key]: undefined });
      await assert.rejects(loadDatasetFile(file), {
        name: 'DataError',
        message: `${file}: missing required key "${key}"`,
      });
    }
  });

  it('reports structural mistakes in the manifest', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ modalities: {} }, '"modalities" must be a non-empty object'],
      [{ modalities: { a: { present: 'a.csv' } } }, 'modalities.a: missing "features"'],
      [
        { modalities: { a: { features: 3 } } },
        'modalities.a.features must be a file path (a non-empty string)',
      ],
      [{ splits: { train: 'train.txt' } }, '"splits" needs "train" and "test"'],
      [{ classes: 'abc' }, '"classes" must be a non-empty array of class names'],
    ];
    for (const [manifest, message] of cases) {
      const { file } = makeDataset({}, manifest);
      await assert.rejects(loadDatasetFile(file), { message: `${file}: ${message}` });
    }
    const notObject = makeDataset();
    writeFileSync(notObject.file, '[1, 2]');
    await assert.rejects(loadDatasetFile(notObject.file), {
      message: `${notObject.file}: the manifest must be a JSON object`,
    });
  });

  it('reports invalid JSON with line and column, and a missing manifest', async () => {
    const { file } = makeDataset();
    writeFileSync(file, '{\n  "labels": "labels.csv",\n  "modalities": {\n}');
    await assert.rejects(loadDatasetFile(file), { message: `${file}:4:2: invalid JSON: CloseBraceExpected` });
    const missing = path.join(root, 'none', 'dataset.json');
    await assert.rejects(loadDatasetFile(missing), {
      message: `${missing}: cannot read dataset manifest (file not found)`,
    });
  });

  it('reports a count mismatch: file, rows found, rows expected', async () => {
    const { file, at } = makeDataset({ 'a.csv': '1,2\n3,4\n5,6\n7,8\n9,10\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('a.csv')}: has 5 rows, expected 6 (one per label in labels.csv)`,
    });
    const npy = makeDataset({ 'b.npy': encodeNpy({ shape: [7, 2, 2], data: new Float32Array(28) }) });
    await assert.rejects(loadDatasetFile(npy.file), {
      message: `${npy.at('b.npy')}: has 7 rows, expected 6 (one per label in labels.csv)`,
    });
  });

  it('reports a label outside the classes', async () => {
    const { file, at } = makeDataset({ 'labels.csv': '0\n1\n2\n3\n1\n2\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('labels.csv')}: row 4: label 3 is outside [0, 3) (3 classes)`,
    });
    const negative = makeDataset({ 'labels.csv': '0\n1\n-1\n0\n1\n2\n' });
    await assert.rejects(loadDatasetFile(negative.file), {
      message: `${negative.at('labels.csv')}: row 3: label -1 is outside [0, 3) (3 classes)`,
    });
  });

  it('asks for class names when a label would imply a huge class count', async () => {
    const { file } = makeDataset({ 'labels.csv': '0\n1\n2\n0\n1\n123456\n' }, { classes: undefined });
    await assert.rejects(loadDatasetFile(file), {
      message: `${file}: the largest label is 123456, which would mean 123457 classes; list the class names in "classes" or fix the labels`,
    });
  });

  it('reports a non-integer label', async () => {
    const { file, at } = makeDataset({ 'labels.csv': '0\n1\n2\n0\n1.5\n2\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('labels.csv')}: row 5: expected an integer label, found 1.5`,
    });
  });

  it('reports NaN and Inf in features with row and column', async () => {
    const nan = makeDataset({ 'a.csv': '1,2\n3,4\n5,nan\n7,8\n9,10\n11,12\n' });
    await assert.rejects(loadDatasetFile(nan.file), {
      message: `${nan.at('a.csv')}: row 3, column 2: NaN or Inf in features (found NaN)`,
    });
    const inf = makeDataset({ 'a.csv': '1,2\n3,4\n5,6\n7,8\n-inf,10\n11,12\n' });
    await assert.rejects(loadDatasetFile(inf.file), {
      message: `${inf.at('a.csv')}: row 5, column 1: NaN or Inf in features (found -Infinity)`,
    });
    const grid = new Float32Array(24);
    grid[4 * 4 + 3] = Infinity; // sample 5, element [1, 1]
    const npy = makeDataset({ 'b.npy': encodeNpy({ shape: [6, 2, 2], data: grid }) });
    await assert.rejects(loadDatasetFile(npy.file), {
      message: `${npy.at('b.npy')}: row 5, column 4 (element [1, 1] of the [2, 2] sample): NaN or Inf in features (found Infinity)`,
    });
    const overflow = makeDataset({ 'a.csv': '1,2\n3,4\n5,6\n7,8\n9,1e300\n11,12\n' });
    await assert.rejects(loadDatasetFile(overflow.file), {
      message: `${overflow.at('a.csv')}: row 5, column 2: NaN or Inf in features (found 1e+300, which overflows float32)`,
    });
  });

  it('reports an index outside [0, N)', async () => {
    const { file, at } = makeDataset({ 'test.txt': '4\n6\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('test.txt')}: row 2: index 6 is outside [0, 6)`,
    });
  });

  it('reports a sample in two splits, naming the other split', async () => {
    const { file, at } = makeDataset({ 'test.txt': '4\n5\n2\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('test.txt')}: row 3: sample 2 is also in split "train"`,
    });
  });

  it('reports a sample listed twice in one split', async () => {
    const { file, at } = makeDataset({ 'train.txt': '0\n1\n2\n1\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('train.txt')}: row 4: sample 1 is listed twice`,
    });
  });

  it('reports present masks with values other than 0/1, or the wrong length', async () => {
    const modalities = { a: { features: 'a.csv', present: 'p.csv' }, b: { features: 'b.npy' } };
    const bad = makeDataset({ 'p.csv': '1\n0\n2\n1\n1\n1\n' }, { modalities });
    await assert.rejects(loadDatasetFile(bad.file), {
      message: `${bad.at('p.csv')}: row 3: expected 0 or 1, found 2`,
    });
    const short = makeDataset({ 'p.csv': '1\n0\n1\n' }, { modalities });
    await assert.rejects(loadDatasetFile(short.file), {
      message: `${short.at('p.csv')}: expected 6 values of 0/1, found shape [3]`,
    });
    const bools = makeDataset(
      { 'p.npy': encodeNpy({ shape: [6], data: Uint8Array.from([1, 1, 0, 1, 1, 1]), dtype: '|b1' }) },
      { modalities: { ...modalities, a: { features: 'a.csv', present: 'p.npy' } } },
    );
    assert.deepEqual(
      Array.from((await loadDatasetFile(bools.file)).modalities[0].present!),
      [1, 1, 0, 1, 1, 1],
    );
  });

  it('reports a missing array file and an unknown extension with the path', async () => {
    const missing = makeDataset({}, { modalities: { a: { features: 'nothere.csv' } } });
    await assert.rejects(loadDatasetFile(missing.file), {
      message: `${missing.at('nothere.csv')}: file not found`,
    });
    const unknown = makeDataset({}, { modalities: { a: { features: 'a.xlsx' } } });
    await assert.rejects(loadDatasetFile(unknown.file), {
      message: `${unknown.at('a.xlsx')}: unknown file type (expected .npy, .csv, .csv.gz, .txt)`,
    });
  });

  it('rejects features with more than 4 dimensions', async () => {
    const { file, at } = makeDataset({
      'b.npy': encodeNpy({ shape: [6, 1, 1, 1, 2], data: new Float32Array(12) }),
    });
    await assert.rejects(loadDatasetFile(file), {
      message: new RegExp(
        `^${at('b.npy')}: expected an array \\[N, \\.\\.\\.\\] with 1 to 4 dimensions .* found shape \\[6, 1, 1, 1, 2\\]$`,
      ),
    });
  });

  it('reports the first problem in manifest order even when later files are also broken', async () => {
    const { file, at } = makeDataset({ 'labels.csv': '0\n1\n9\n0\n1\n2\n', 'test.txt': '99\n' });
    await assert.rejects(loadDatasetFile(file), {
      message: `${at('labels.csv')}: row 3: label 9 is outside [0, 3) (3 classes)`,
    });
  });
});
