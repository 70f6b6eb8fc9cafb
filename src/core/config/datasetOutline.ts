// What the config validator needs to know about a dataset without loading it: modality names and sample
// shapes (from array headers), classes, whether a val split exists, and what is wrong with the manifest.
// Results are cached by file mtime and size, because an editor validates on every keystroke.

import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { getNodeValue, type Node } from 'jsonc-parser';
import { readArrayShape } from '../data/arrays';
import { noLabelsMessage } from '../data/manifest';
import { DataError } from '../data/types';
import { readTextBounded } from '../io/bounded-read';
import { fileErrorFrom } from '../io/file-error';
import { LIMITS } from '../io/limits';
import { LineIndex, jsonTypeOf, nodeAtPointer, objectEntries, parseStrictJson, toPointer } from './jsonText';

export interface DatasetProblem {
  severity: 'error' | 'warning';
  message: string;
  /** RFC 6901 pointer inside the manifest (for an inline manifest: relative to the config's `/dataset`). */
  pointer: string;
  /**
   * `structure`: the manifest's own JSON shape (a missing key, a wrong type), which the config schema also
   * checks for inline manifests; `content`: files and their contents.
   */
  kind: 'structure' | 'content';
  /** For a manifest file: `file:line:col` of the problem. */
  location?: string;
}

export interface OutlineModality {
  name: string;
  /** Shape of one sample (without N), or `null` when not read (unreadable file, or shapes not requested). */
  sampleShape: number[] | null;
}

export interface DatasetOutline {
  /** Absolute path of `dataset.json`, or `null` for an inline manifest. */
  manifestPath: string | null;
  /** Folder the manifest's relative paths start from. */
  baseDir: string;
  /** In manifest order; empty when the manifest could not be read. */
  modalities: OutlineModality[];
  /** `classes` of the manifest, or `null` when it has none (then `"0".."C-1"` from the labels). */
  classes: string[] | null;
  hasVal: boolean;
  problems: DatasetProblem[];
}

export interface OutlineOptions {
  /** Read array headers for sample shapes and row counts (default true). */
  readShapes?: boolean;
  /** The inline manifest's syntax tree, when the caller has it: keeps the document's key order exactly. */
  inlineTree?: Node;
}

export async function readDatasetOutline(
  datasetValue: unknown,
  configPath: string,
  options: OutlineOptions = {},
): Promise<DatasetOutline> {
  const configDir = dirname(resolve(configPath));
  if (typeof datasetValue === 'string') {
    const manifestPath = isAbsolute(datasetValue) ? datasetValue : resolve(configDir, datasetValue);
    const outline = emptyOutline(manifestPath, dirname(manifestPath));
    const parsed = await readManifestFile(manifestPath);
    if ('problem' in parsed) {
      outline.problems.push(parsed.problem);
      return outline;
    }
    await outlineManifest(parsed.root, outline, options, (pointer) => locate(manifestPath, parsed, pointer));
    return outline;
  }
  const outline = emptyOutline(null, configDir);
  if (datasetValue !== null && typeof datasetValue === 'object' && !Array.isArray(datasetValue)) {
    await outlineManifest(options.inlineTree ?? valueAsTree(datasetValue), outline, options, () => undefined);
  } else {
    outline.problems.push(
      problem('structure', '', `expected a manifest path or object, found ${jsonTypeOf(datasetValue)}`),
    );
  }
  return outline;
}

function emptyOutline(manifestPath: string | null, baseDir: string): DatasetOutline {
  return { manifestPath, baseDir, modalities: [], classes: null, hasVal: false, problems: [] };
}

function problem(kind: DatasetProblem['kind'], pointer: string, message: string): DatasetProblem {
  return { severity: 'error', message, pointer, kind };
}

// ---------------------------------------------------------------------------------------------------------
// The manifest, as a tree so that modality order is the document's order even for names such as "1".

interface ParsedManifest {
  root: Node;
  lines: LineIndex;
}

const manifestCache = new Map<
  string,
  { mtimeMs: number; size: number; result: ParsedManifest | { problem: DatasetProblem } }
>();

async function readManifestFile(file: string): Promise<ParsedManifest | { problem: DatasetProblem }> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const refusal = fileErrorFrom(file, error);
    const message =
      refusal.problem === 'not-found'
        ? `manifest ${file} not found (the path is relative to the config file)`
        : `manifest ${refusal.message}`;
    return { problem: problem('content', '', message) };
  }
  if (!info.isFile()) return { problem: problem('content', '', `manifest ${file} is not a file`) };
  const cached = manifestCache.get(file);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.result;
  const result = await parseManifestFile(file);
  manifestCache.set(file, { mtimeMs: info.mtimeMs, size: info.size, result });
  return result;
}

async function parseManifestFile(file: string): Promise<ParsedManifest | { problem: DatasetProblem }> {
  let text: string;
  try {
    text = await readTextBounded(file, { limit: LIMITS.document, what: 'a dataset manifest' });
  } catch (error) {
    return { problem: problem('content', '', `manifest ${fileErrorFrom(file, error).message}`) };
  }
  const lines = new LineIndex(text);
  const { root, problems } = parseStrictJson(text);
  if (problems.length > 0 || !root) {
    const first = problems[0] ?? { message: 'empty file', offset: 0, length: 0 };
    const at = lines.position(first.offset);
    return {
      problem: problem('content', '', `${file}:${at.line + 1}:${at.character + 1}: ${first.message}`),
    };
  }
  return { root, lines };
}

function locate(file: string, parsed: ParsedManifest, pointer: string): string {
  let node = nodeAtPointer(parsed.root, pointer);
  let p = pointer;
  while (!node && p !== '') {
    p = p.slice(0, p.lastIndexOf('/'));
    node = nodeAtPointer(parsed.root, p);
  }
  const at = parsed.lines.position(node?.offset ?? 0);
  return `${file}:${at.line + 1}:${at.character + 1}`;
}

/** Inline manifests arrive as values; a synthetic tree lets both cases share one reader. */
function valueAsTree(value: unknown): Node {
  const text = JSON.stringify(value);
  return parseStrictJson(text).root!;
}

async function outlineManifest(
  root: Node,
  outline: DatasetOutline,
  options: OutlineOptions,
  locateIn: (pointer: string) => string | undefined,
): Promise<void> {
  const add = (kind: DatasetProblem['kind'], pointer: string, message: string) => {
    const p = problem(kind, pointer, message);
    const location = locateIn(pointer);
    if (location !== undefined) p.location = location;
    outline.problems.push(p);
  };
  if (root.type !== 'object') {
    add('structure', '', `expected the manifest to be an object, found ${root.type}`);
    return;
  }
  const field = (key: string) => objectEntries(root).find((e) => e.key === key)?.valueNode;
  const pathOf = (key: string, wanted: string): string | null => {
    const node = field(key);
    if (!node) {
      add('structure', '', `missing required key '${key}' (${wanted})`);
      return null;
    }
    if (node.type !== 'string' || node.value === '') {
      add('structure', `/${key}`, `expected '${key}' to be a file path, found ${describeNode(node)}`);
      return null;
    }
    return String(node.value);
  };

  const classesNode = field('classes');
  if (classesNode) {
    const classes = getNodeValue(classesNode) as unknown;
    if (Array.isArray(classes) && classes.every((c) => typeof c === 'string')) outline.classes = classes;
    else
      add(
        'structure',
        '/classes',
        `expected 'classes' to be an array of strings, found ${describeNode(classesNode)}`,
      );
  }

  const readShapes = options.readShapes !== false;
  const labelsPath = pathOf('labels', 'a file of N integer labels');
  let labelCount: number | null = null;
  if (labelsPath !== null && readShapes) {
    const shape = await shapeOf(resolve(outline.baseDir, labelsPath));
    if (shape instanceof DataError) add('content', '/labels', shape.message);
    else if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
      add(
        'content',
        '/labels',
        `${labelsPath}: expected one label per row, found an array of shape [${shape.join(', ')}]`,
      );
    } else if (shape[0] === 0) {
      add('content', '/labels', noLabelsMessage(labelsPath));
    } else labelCount = shape[0];
  }

  await outlineModalities(field('modalities'), outline, add, readShapes, labelCount);
  await outlineSplits(field('splits'), outline, add, readShapes);
}

type AddProblem = (kind: DatasetProblem['kind'], pointer: string, message: string) => void;

async function outlineModalities(
  node: Node | undefined,
  outline: DatasetOutline,
  add: AddProblem,
  readShapes: boolean,
  labelCount: number | null,
): Promise<void> {
  if (!node) {
    add('structure', '', `missing required key 'modalities' (an object of {features} by modality name)`);
    return;
  }
  if (node.type !== 'object' || objectEntries(node).length === 0) {
    add(
      'structure',
      '/modalities',
      `expected 'modalities' to be a non-empty object, found ${describeNode(node)}`,
    );
    return;
  }
  for (const { key: name, valueNode } of objectEntries(node)) {
    const base = toPointer(['modalities', name]);
    const modality: OutlineModality = { name, sampleShape: null };
    outline.modalities.push(modality);
    const features =
      valueNode.type === 'object' ? objectEntries(valueNode).find((e) => e.key === 'features') : undefined;
    if (!features) {
      add('structure', base, `modality '${name}': missing required key 'features' (an array file [N, ...])`);
      continue;
    }
    if (features.valueNode.type !== 'string') {
      add('structure', `${base}/features`, `modality '${name}': expected 'features' to be a file path`);
      continue;
    }
    if (!readShapes) continue;
    const file = String(features.valueNode.value);
    const shape = await shapeOf(resolve(outline.baseDir, file));
    if (shape instanceof DataError) {
      add('content', `${base}/features`, shape.message);
      continue;
    }
    const sample = shape.length === 1 ? [1] : shape.slice(1);
    if (sample.length > 3) {
      add(
        'content',
        `${base}/features`,
        `${file}: expected [N, D], [N, H, W], [N, H, W, C] or [N, T, D], found shape [${shape.join(', ')}]`,
      );
      continue;
    }
    modality.sampleShape = sample;
    if (labelCount !== null && shape[0] !== labelCount) {
      add(
        'content',
        `${base}/features`,
        `${file}: expected ${labelCount} rows (one per label), found ${shape[0]}`,
      );
    }
    const present = objectEntries(valueNode).find((e) => e.key === 'present');
    if (present?.valueNode.type === 'string') {
      const presentFile = String(present.valueNode.value);
      const presentShape = await shapeOf(resolve(outline.baseDir, presentFile));
      if (presentShape instanceof DataError) add('content', `${base}/present`, presentShape.message);
      else if (presentShape[0] !== shape[0] || presentShape.slice(1).some((d) => d !== 1)) {
        add(
          'content',
          `${base}/present`,
          `${presentFile}: expected ${shape[0]} values of 0/1, found shape [${presentShape.join(', ')}]`,
        );
      }
    }
  }
}

async function outlineSplits(
  node: Node | undefined,
  outline: DatasetOutline,
  add: AddProblem,
  readShapes: boolean,
): Promise<void> {
  if (!node) {
    add('structure', '', `missing required key 'splits' (row-index files for train and test)`);
    return;
  }
  if (node.type !== 'object') {
    add('structure', '/splits', `expected 'splits' to be an object, found ${describeNode(node)}`);
    return;
  }
  const entries = objectEntries(node);
  for (const split of ['train', 'val', 'test']) {
    const entry = entries.find((e) => e.key === split);
    if (!entry) {
      if (split !== 'val') add('structure', '/splits', `'splits' is missing required key '${split}'`);
      continue;
    }
    if (entry.valueNode.type !== 'string') {
      add('structure', `/splits/${split}`, `expected 'splits.${split}' to be a file path`);
      continue;
    }
    if (split === 'val') outline.hasVal = true;
    if (!readShapes) continue;
    const shape = await shapeOf(resolve(outline.baseDir, String(entry.valueNode.value)));
    if (shape instanceof DataError) add('content', `/splits/${split}`, shape.message);
  }
}

function describeNode(node: Node): string {
  const text = JSON.stringify(getNodeValue(node) as unknown);
  return text.length > 40 ? text.slice(0, 37) + '...' : text;
}

// ---------------------------------------------------------------------------------------------------------
// Array headers, cached by path + mtime + size (a `.csv.gz` header means decompressing the whole file).

const shapeCache = new Map<string, { mtimeMs: number; size: number; shape: Promise<number[] | DataError> }>();

async function shapeOf(file: string): Promise<number[] | DataError> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    return new DataError(fileErrorFrom(file, error).message);
  }
  const cached = shapeCache.get(file);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.shape;
  const shape = readArrayShape(file).catch((error: unknown) =>
    error instanceof DataError ? error : new DataError(`${file}: cannot read (${String(error)})`),
  );
  shapeCache.set(file, { mtimeMs: info.mtimeMs, size: info.size, shape });
  return shape;
}
