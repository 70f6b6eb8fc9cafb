// Loads a dataset manifest (`dataset.json`, docs/formats.md, dataset manifest) and every array it names, with the checks that
// turn bad data into one precise message. Checks and wording follow the PyTorch peer's `load_dataset`.

import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { readTextBounded } from '../io/bounded-read';
import { FileAccessError } from '../io/file-error';
import { LIMITS } from '../io/limits';
import { loadArray } from './arrays';
import { DataError, type Dataset, type LoadedArray, type Modality } from './types';

type Settled = { ok: true; value: LoadedArray } | { ok: false; error: unknown };

// Files load concurrently (gunzip runs off the main thread) but are checked in manifest order, so the
// error reported is always the first one a reader of the manifest would meet.
function startLoad(file: string): Promise<Settled> {
  return loadArray(file).then(
    (value): Settled => ({ ok: true, value }),
    (error: unknown): Settled => ({ ok: false, error }),
  );
}

async function settled(pending: Promise<Settled>): Promise<LoadedArray> {
  const result = await pending;
  if (!result.ok) throw result.error;
  return result.value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(array: LoadedArray, i: number): number {
  return Number(array.data[i]);
}

/** A `[N]` or `[N, 1]` array of integers, as exact doubles. */
function integerVector(array: LoadedArray, file: string, what: string): Float64Array {
  const { shape } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new DataError(
      `${file}: expected one ${what} per line, found an array of shape [${shape.join(', ')}]`,
    );
  }
  const out = new Float64Array(shape[0]);
  for (let i = 0; i < out.length; i++) {
    const v = valueAt(array, i);
    if (!Number.isInteger(v)) {
      throw new DataError(`${file}: row ${i + 1}: expected an integer ${what}, found ${v}`);
    }
    out[i] = v;
  }
  return out;
}

function toFloat32(array: LoadedArray): Float32Array {
  const { data } = array;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return new Float32Array(data);
}

function checkFinite(features: Float32Array, source: LoadedArray, sampleShape: number[], file: string): void {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < features.length; k++) {
    const v = features[k];
    if (v - v === 0) continue; // finite; NaN and ±Inf give NaN
    const row = Math.floor(k / size);
    const col = k % size;
    const original = valueAt(source, k);
    const found = Number.isFinite(original) ? `${original}, which overflows float32` : String(original);
    let place = `row ${row + 1}, column ${col + 1}`;
    if (sampleShape.length > 1) {
      const index: number[] = [];
      let rest = col;
      for (let d = sampleShape.length - 1; d >= 0; d--) {
        index.unshift(rest % sampleShape[d]);
        rest = Math.floor(rest / sampleShape[d]);
      }
      place += ` (element [${index.join(', ')}] of the [${sampleShape.join(', ')}] sample)`;
    }
    throw new DataError(`${file}: ${place}: NaN or Inf in features (found ${found})`);
  }
}

function requirePath(value: unknown, where: string, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DataError(`${where}: ${key} must be a file path (a non-empty string)`);
  }
  return value;
}

const MAX_DEFAULT_CLASSES = 10000;

function loadClasses(value: unknown, labels: Float64Array, where: string): string[] {
  if (value === undefined || value === null) {
    let max = -1;
    for (const v of labels) if (v > max) max = v;
    // Without names the largest label decides the class count; a stray huge value must not allocate millions.
    if (max >= MAX_DEFAULT_CLASSES) {
      throw new DataError(
        `${where}: the largest label is ${max}, which would mean ${max + 1} classes; list the class names in ` +
          `"classes" or fix the labels`,
      );
    }
    return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new DataError(`${where}: "classes" must be a non-empty array of class names`);
  }
  return value.map((name, i) => {
    if (typeof name !== 'string' && typeof name !== 'number') {
      throw new DataError(`${where}: classes[${i}] must be a string`);
    }
    return String(name);
  });
}

function buildModality(
  name: string,
  features: LoadedArray,
  present: LoadedArray | null,
  files: { features: string; present: string | null; labels: string },
  n: number,
): Modality {
  const { shape } = features;
  if (shape.length === 0 || shape.length > 4) {
    throw new DataError(
      `${files.features}: expected an array [N, ...] with 1 to 4 dimensions ([N, D], [N, H, W], [N, H, W, C] ` +
        `or [N, T, D]), found shape [${shape.join(', ')}]`,
    );
  }
  if (shape[0] !== n) {
    throw new DataError(
      `${files.features}: has ${shape[0]} rows, expected ${n} (one per label in ${files.labels})`,
    );
  }
  const sampleShape = shape.length === 1 ? [1] : shape.slice(1);
  if (sampleShape.some((d) => d === 0)) {
    throw new DataError(`${files.features}: each sample is empty (shape [${shape.join(', ')}])`);
  }
  const data = toFloat32(features);
  checkFinite(data, features, sampleShape, files.features);
  return {
    name,
    sampleShape,
    features: data,
    present: present ? presenceMask(present, files.present!, n) : null,
  };
}

function presenceMask(array: LoadedArray, file: string, n: number): Uint8Array {
  const { shape } = array;
  const oneColumn = shape.length === 1 || (shape.length === 2 && shape[1] === 1);
  if (!oneColumn || shape[0] !== n) {
    throw new DataError(`${file}: expected ${n} values of 0/1, found shape [${shape.join(', ')}]`);
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = valueAt(array, i);
    if (v !== 0 && v !== 1) throw new DataError(`${file}: row ${i + 1}: expected 0 or 1, found ${v}`);
    mask[i] = v;
  }
  return mask;
}

const SPLIT_NAMES = ['train', 'val', 'test'] as const;

/** A labels array of shape [0]: every sample needs one label. */
export function noLabelsMessage(labelsFile: string): string {
  return `${labelsFile}: has no rows (expected one integer label per sample)`;
}

/**
 * Loads and checks a manifest. `baseDir` is where its relative paths start; `where` names the manifest in
 * messages (its file path, or e.g. `<inline manifest in x.mla.json>`).
 */
export async function loadDataset(manifest: unknown, baseDir: string, where: string): Promise<Dataset> {
  if (!isObject(manifest)) throw new DataError(`${where}: the manifest must be a JSON object`);
  for (const key of ['labels', 'modalities', 'splits']) {
    if (manifest[key] === undefined) throw new DataError(`${where}: missing required key "${key}"`);
  }
  const resolve = (rel: string): string => (path.isAbsolute(rel) ? rel : path.join(baseDir, rel));

  const labelsFile = resolve(requirePath(manifest.labels, where, '"labels"'));
  const mods = manifest.modalities;
  if (!isObject(mods) || Object.keys(mods).length === 0) {
    throw new DataError(`${where}: "modalities" must be a non-empty object`);
  }
  const modFiles = Object.entries(mods).map(([name, spec]) => {
    if (!isObject(spec) || spec.features === undefined) {
      throw new DataError(`${where}: modalities.${name}: missing "features"`);
    }
    const features = resolve(requirePath(spec.features, where, `modalities.${name}.features`));
    const present =
      spec.present === undefined
        ? null
        : resolve(requirePath(spec.present, where, `modalities.${name}.present`));
    return { name, features, present };
  });
  const splitSpec = manifest.splits;
  if (!isObject(splitSpec) || splitSpec.train === undefined || splitSpec.test === undefined) {
    throw new DataError(`${where}: "splits" needs "train" and "test"`);
  }
  const splitFiles = SPLIT_NAMES.filter((s) => splitSpec[s] !== undefined).map((s) => ({
    split: s,
    file: resolve(requirePath(splitSpec[s], where, `splits.${s}`)),
  }));
  if (manifest.name !== undefined && typeof manifest.name !== 'string') {
    throw new DataError(`${where}: "name" must be a string`);
  }

  const labelsLoad = startLoad(labelsFile);
  const modLoads = modFiles.map((m) => ({
    features: startLoad(m.features),
    present: m.present ? startLoad(m.present) : null,
  }));
  const splitLoads = splitFiles.map((s) => startLoad(s.file));

  const labelValues = integerVector(await settled(labelsLoad), labelsFile, 'label');
  const n = labelValues.length;
  // Blame the labels, not every feature file for having rows the labels do not.
  if (n === 0) throw new DataError(noLabelsMessage(labelsFile));
  const classes = loadClasses(manifest.classes, labelValues, where);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labelValues[i];
    if (y < 0 || y >= classes.length) {
      throw new DataError(
        `${labelsFile}: row ${i + 1}: label ${y} is outside [0, ${classes.length}) (${classes.length} classes)`,
      );
    }
    labels[i] = y;
  }

  const modalities: Modality[] = [];
  for (let k = 0; k < modFiles.length; k++) {
    const features = await settled(modLoads[k].features);
    const present = modLoads[k].present ? await settled(modLoads[k].present!) : null;
    modalities.push(
      buildModality(
        modFiles[k].name,
        features,
        present,
        { ...modFiles[k], labels: String(manifest.labels) },
        n,
      ),
    );
  }

  // Which split owns each sample, to report overlaps and duplicates with the other split's name.
  const owner = new Int8Array(n).fill(-1);
  const splits: Partial<Record<(typeof SPLIT_NAMES)[number], Int32Array>> = {};
  for (let k = 0; k < splitFiles.length; k++) {
    const { split, file } = splitFiles[k];
    const values = integerVector(await settled(splitLoads[k]), file, 'row index');
    const indices = new Int32Array(values.length);
    const splitId = SPLIT_NAMES.indexOf(split);
    for (let r = 0; r < values.length; r++) {
      const i = values[r];
      if (i < 0 || i >= n) throw new DataError(`${file}: row ${r + 1}: index ${i} is outside [0, ${n})`);
      if (owner[i] === splitId) throw new DataError(`${file}: row ${r + 1}: sample ${i} is listed twice`);
      if (owner[i] >= 0) {
        throw new DataError(`${file}: row ${r + 1}: sample ${i} is also in split "${SPLIT_NAMES[owner[i]]}"`);
      }
      owner[i] = splitId;
      indices[r] = i;
    }
    splits[split] = indices;
  }

  return {
    name: (manifest.name as string | undefined) || path.basename(path.resolve(baseDir)),
    source: where,
    classes,
    labels,
    modalities,
    splits: { train: splits.train!, val: splits.val ?? null, test: splits.test! },
  };
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** Reads `dataset.json` (comments allowed) and loads it; paths in it are relative to its folder. */
export async function loadDatasetFile(file: string): Promise<Dataset> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readTextBounded(absolute, { limit: LIMITS.document, what: 'a dataset manifest' });
  } catch (error) {
    const reason =
      error instanceof FileAccessError
        ? error.detail
        : error instanceof Error
          ? error.message
          : String(error);
    throw new DataError(`${absolute}: cannot read dataset manifest (${reason})`);
  }
  const errors: ParseError[] = [];
  const manifest: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0];
    throw new DataError(
      `${absolute}:${lineAndColumn(text, e.offset)}: invalid JSON: ${printParseErrorCode(e.error)}`,
    );
  }
  return loadDataset(manifest, path.dirname(absolute), absolute);
}
