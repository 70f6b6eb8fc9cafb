// The quick fix for a dataset.json without splits: a seeded stratified train/test split of its labels, written
// beside it as split_train.txt / split_test.txt, and the edit that adds "splits" to the manifest's text.
// Same split as `mla init` writes (one stream per seed, round(fraction × n) of each class to test).

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { modify, parse } from 'jsonc-parser';
import { LineIndex } from '../config/jsonText';
import type { TextEdit } from '../config/types';
import { loadArray } from '../data/arrays';
import { carveValidation } from '../data/splits';
import { DataError } from '../data/types';
import { DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION } from './choices';
import { NEW_SPLIT_FILES } from './plan';

export interface CreatedSplits {
  files: string[];
  counts: { train: number; test: number };
  /** Adds `"splits"` to the manifest text it was computed from. */
  edits: TextEdit[];
}

export async function createSplits(
  manifestText: string,
  manifestPath: string,
  testFraction = DEFAULT_TEST_FRACTION,
  seed = DEFAULT_SPLIT_SEED,
): Promise<CreatedSplits> {
  const manifest = parse(manifestText) as { labels?: unknown } | undefined;
  if (typeof manifest?.labels !== 'string' || manifest.labels === '') {
    throw new DataError(
      `${manifestPath}: expected "labels" to name the labels file before splits can be made`,
    );
  }
  const dir = path.dirname(manifestPath);
  const labelsFile = path.resolve(dir, manifest.labels);
  const array = await loadArray(labelsFile);
  const labels = new Int32Array(array.shape[0]);
  for (let i = 0; i < labels.length; i++) {
    const v = Number(array.data[i]);
    if (!Number.isInteger(v) || v < 0)
      throw new DataError(`${labelsFile}: row ${i + 1}: expected an integer class label ≥ 0, found ${v}`);
    labels[i] = v;
  }
  const all = Int32Array.from({ length: labels.length }, (_, i) => i);
  const { train, val: test } = carveValidation(all, labels, testFraction, seed, 'test-split');
  const files = [NEW_SPLIT_FILES.train, NEW_SPLIT_FILES.test].map((f) => path.join(dir, f));
  const existing = files.filter((f) => existsSync(f));
  if (existing.length > 0) throw new DataError(`${existing[0]}: already exists: name it in "splits" instead`);
  await writeFile(files[0], Array.from(train, String).join('\n') + '\n', { flag: 'wx' });
  await writeFile(files[1], Array.from(test, String).join('\n') + '\n', { flag: 'wx' });
  const lines = new LineIndex(manifestText);
  const edits = modify(
    manifestText,
    ['splits'],
    { train: NEW_SPLIT_FILES.train, test: NEW_SPLIT_FILES.test },
    { formattingOptions: { insertSpaces: true, tabSize: 2 } },
  ).map((e) => ({ range: lines.range(e.offset, e.length), newText: e.content }));
  return { files, counts: { train: train.length, test: test.length }, edits };
}
