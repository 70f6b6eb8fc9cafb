// Generated datasets: the built-in example (three vector modalities of clearly different strength and a
// shortcut in the strongest, so that modality laziness costs joint training accuracy) and small grid /
// sequence datasets for encoder tests and benchmarks. Every draw comes from `Rng.fromSeed(seed, <purpose>)`,
// so a seed fixes the data.

import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Rng } from '../util/random';
import { encodeNpy } from './npy';
import type { NumericArray } from './types';

export interface GeneratedArray {
  shape: number[];
  data: NumericArray;
}

export interface GeneratedManifest {
  name: string;
  labels: string;
  classes: string[];
  modalities: Record<string, { features: string }>;
  splits: { train: string; test: string };
}

/** A manifest plus the arrays it names (file name → array), ready to write with `writeGeneratedDataset`. */
export interface GeneratedDataset {
  manifest: GeneratedManifest;
  files: Record<string, GeneratedArray>;
}

/**
 * How hard one vector modality is. The class means sit on a regular simplex in a small latent space,
 * `separation` apart (in units of the within-class spread, 1), so every pair of classes is equally hard and
 * the accuracy depends on `separation` rather than on the luck of random centres. Each class is two blobs,
 * `clusterSpread` either side of its mean along a random direction, so the class mean is a poor summary and a
 * nonlinear model has something to learn. The latent is embedded into `dim` features by a random isometry
 * plus `nonlinearity` × sin of another random map, and `noise` adds independent per-feature noise.
 */
export interface VectorModalitySpec {
  name: string;
  dim: number;
  separation: number;
  clusterSpread: number;
  nonlinearity: number;
  noise: number;
  /** Classes this modality cannot tell apart: their samples are drawn as the first of them. */
  blindTo?: readonly number[];
  /**
   * Strength of an artefact on the train rows only: `+shortcut` along a random unit direction of the
   * features for the first class in `blindTo`, `-shortcut` for the second, nothing for the others and
   * nothing on the test rows. It is a shortcut that holds on train and breaks at test time.
   */
  shortcut?: number;
}

/**
 * The example's story, modality laziness with a shortcut (5 classes). `strong` tells classes 0–2 apart
 * almost perfectly but draws class3 and class4 alike, and so does `medium` (less clearly); only `weak` tells
 * class3 from class4, and it is the hardest to read. On the train rows (and so on the validation rows carved
 * from them) `strong` also carries an artefact that separates class3 from class4; the test rows lack it, as
 * data recorded elsewhere would. Joint training fits the train set through `strong` alone, its fused loss
 * vanishes before `weak` has learned much, and at test time it guesses between class3 and class4. MLA trains
 * each modality's encoder on its own turn, so `weak` has to learn class3 against class4, and the fused
 * prediction uses it. A nearest-class-mean classifier tells classes 0–2 apart at about 97 / 84 / 77 % on
 * strong / medium / weak, and class3 from class4 at chance on strong and medium and at about 87 % on weak
 * (strong: 100 % on the train rows); see test/unit/data-synthetic.test.ts.
 */
export const EXAMPLE_MODALITIES: readonly VectorModalitySpec[] = [
  {
    name: 'strong',
    dim: 16,
    separation: 5,
    clusterSpread: 1,
    nonlinearity: 0.5,
    noise: 0.3,
    blindTo: [3, 4],
    shortcut: 5,
  },
  {
    name: 'medium',
    dim: 24,
    separation: 3.1,
    clusterSpread: 1,
    nonlinearity: 0.5,
    noise: 0.3,
    blindTo: [3, 4],
  },
  { name: 'weak', dim: 32, separation: 2.6, clusterSpread: 1, nonlinearity: 0.5, noise: 0.3 },
];

export interface ExampleOptions {
  seed?: number;
  samples?: number;
  classes?: number;
  /** Defaults to EXAMPLE_MODALITIES. */
  modalities?: readonly VectorModalitySpec[];
  /** Share of each class that goes to test; default 0.2. */
  testFraction?: number;
}

/** Balanced labels in random order: class c appears ⌊n/C⌋ or ⌈n/C⌉ times. */
function balancedLabels(n: number, classes: number, rng: Rng): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % classes;
  return rng.shuffle(labels);
}

/** Stratified train/test split; both lists ascending. */
function stratifiedSplit(labels: Int32Array, classes: number, testFraction: number, rng: Rng) {
  const isTest = new Uint8Array(labels.length);
  for (let c = 0; c < classes; c++) {
    const rows: number[] = [];
    labels.forEach((y, i) => {
      if (y === c) rows.push(i);
    });
    rng.shuffle(rows);
    const k = Math.round(testFraction * rows.length);
    for (let j = 0; j < k; j++) isTest[rows[j]] = 1;
  }
  const train: number[] = [];
  const test: number[] = [];
  isTest.forEach((t, i) => (t ? test : train).push(i));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

function gaussianMatrix(rows: number, cols: number, scale: number, rng: Rng): Float64Array {
  const m = new Float64Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal() * scale;
  return m;
}

/** `cols` orthonormal random columns of length `rows` (Gram–Schmidt), row-major `[rows, cols]`. */
function randomIsometry(rows: number, cols: number, rng: Rng): Float64Array {
  const q = gaussianMatrix(rows, cols, 1, rng);
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[i * cols + j] * q[i * cols + k];
      for (let i = 0; i < rows; i++) q[i * cols + j] -= dot * q[i * cols + k];
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[i * cols + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) q[i * cols + j] /= norm;
  }
  return q;
}

/** Features `[N, dim]` of one vector modality for the given labels; `isTest` marks the rows without `shortcut`. */
export function generateVectorModality(
  labels: Int32Array,
  classes: number,
  spec: VectorModalitySpec,
  seed: number,
  isTest?: Uint8Array,
): Float32Array {
  const rng = Rng.fromSeed(seed, `synthetic:${spec.name}`);
  const { dim } = spec;
  // Simplex corners need `classes` latent dimensions; two more give the blobs room off the simplex.
  const latent = Math.min(classes + 2, dim);
  if (latent < classes) throw new RangeError(`modality "${spec.name}": dim ${dim} < ${classes} classes`);
  const embed = randomIsometry(dim, latent, rng);
  const warp = gaussianMatrix(dim, latent, 1 / Math.sqrt(latent), rng);
  const offsets = gaussianMatrix(classes, latent, 1, rng);
  for (let c = 0; c < classes; c++) {
    const row = offsets.subarray(c * latent, (c + 1) * latent);
    const norm = Math.hypot(...row);
    for (let l = 0; l < latent; l++) row[l] *= spec.clusterSpread / norm;
  }
  const corner = spec.separation / Math.SQRT2; // unit vectors e_c are √2 apart
  const out = new Float32Array(labels.length * dim);
  const h = new Float64Array(latent);
  const blind = spec.blindTo ?? [];
  for (let i = 0; i < labels.length; i++) {
    const c = blind.includes(labels[i]) ? blind[0] : labels[i];
    const side = rng.float() < 0.5 ? -1 : 1;
    for (let l = 0; l < latent; l++) {
      h[l] = (l === c ? corner : 0) + side * offsets[c * latent + l] + rng.normal();
    }
    for (let d = 0; d < dim; d++) {
      let lin = 0;
      let arg = 0;
      for (let l = 0; l < latent; l++) {
        lin += embed[d * latent + l] * h[l];
        arg += warp[d * latent + l] * h[l];
      }
      out[i * dim + d] = lin + spec.nonlinearity * Math.sin(arg) + spec.noise * rng.normal();
    }
  }
  if (spec.shortcut) addShortcut(out, labels, spec, seed, isTest);
  return out;
}

/** The train-only artefact of `spec.shortcut`, along a random unit direction of the features. */
function addShortcut(
  out: Float32Array,
  labels: Int32Array,
  spec: VectorModalitySpec,
  seed: number,
  isTest: Uint8Array | undefined,
): void {
  const [first, second] = spec.blindTo ?? [];
  const direction = randomIsometry(spec.dim, 1, Rng.fromSeed(seed, `synthetic:${spec.name}:shortcut`));
  const strength = spec.shortcut ?? 0;
  for (let i = 0; i < labels.length; i++) {
    if (isTest?.[i]) continue;
    const sign = labels[i] === first ? 1 : labels[i] === second ? -1 : 0;
    for (let d = 0; d < spec.dim; d++) out[i * spec.dim + d] += sign * strength * direction[d];
  }
}

function classNames(classes: number): string[] {
  return Array.from({ length: classes }, (_, c) => `class${c}`);
}

function assemble(
  name: string,
  labels: Int32Array,
  classes: number,
  split: { train: Int32Array; test: Int32Array },
  modalities: { name: string; sampleShape: number[]; features: Float32Array }[],
): GeneratedDataset {
  const files: Record<string, GeneratedArray> = {
    'labels.npy': { shape: [labels.length], data: labels },
    'split_train.npy': { shape: [split.train.length], data: split.train },
    'split_test.npy': { shape: [split.test.length], data: split.test },
  };
  const manifestModalities: Record<string, { features: string }> = {};
  for (const m of modalities) {
    files[`${m.name}.npy`] = { shape: [labels.length, ...m.sampleShape], data: m.features };
    manifestModalities[m.name] = { features: `${m.name}.npy` };
  }
  return {
    manifest: {
      name,
      labels: 'labels.npy',
      classes: classNames(classes),
      modalities: manifestModalities,
      splits: { train: 'split_train.npy', test: 'split_test.npy' },
    },
    files,
  };
}

/** The built-in example: 1500 samples, 5 classes, vector modalities strong (16-d), medium (24-d), weak (32-d). */
export function generateExampleDataset(opts: ExampleOptions = {}): GeneratedDataset {
  const seed = opts.seed ?? 0;
  const samples = opts.samples ?? 1500;
  const classes = opts.classes ?? 5;
  const specs = opts.modalities ?? EXAMPLE_MODALITIES;
  const labels = balancedLabels(samples, classes, Rng.fromSeed(seed, 'synthetic:labels'));
  const split = stratifiedSplit(
    labels,
    classes,
    opts.testFraction ?? 0.2,
    Rng.fromSeed(seed, 'synthetic:split'),
  );
  const isTest = new Uint8Array(samples);
  for (const i of split.test) isTest[i] = 1;
  const modalities = specs.map((spec) => ({
    name: spec.name,
    sampleShape: [spec.dim],
    features: generateVectorModality(labels, classes, spec, seed, isTest),
  }));
  return assemble('synthetic example', labels, classes, split, modalities);
}

export interface StructuredOptions {
  seed?: number;
  samples?: number;
  classes?: number;
}

/**
 * `[32, 32]` images: an oriented grating whose angle depends on the class (random phase, so only a
 * translation-invariant detector such as a conv encoder reads it well), a faint class-placed blob with a
 * few pixels of jitter (so a linear model gets a start), and noise.
 */
function generateGrid(labels: Int32Array, classes: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed, 'synthetic:grid');
  const size = 32;
  const out = new Float32Array(labels.length * size * size);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    const angle = (Math.PI * c) / classes;
    const freq = 0.18 + 0.02 * rng.normal();
    const phase = 2 * Math.PI * rng.float();
    const blobY = 6 + ((c * 7) % 20) + rng.int(5) - 2;
    const blobX = 6 + ((c * 13) % 20) + rng.int(5) - 2;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const wave = Math.sin(2 * Math.PI * freq * (x * Math.cos(angle) + y * Math.sin(angle)) + phase);
        const blob = Math.exp(-((y - blobY) ** 2 + (x - blobX) ** 2) / 8);
        out[(i * size + y) * size + x] = 0.8 * wave + 0.8 * blob + 0.6 * rng.normal();
      }
    }
  }
  return out;
}

/**
 * `[16, 32]` sequences (16 steps of 32 channels): a sine whose frequency depends on the class, with a random
 * phase, loaded onto channels by a class-specific pattern, plus noise.
 */
function generateSequence(labels: Int32Array, classes: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed, 'synthetic:sequence');
  const steps = 16;
  const channels = 32;
  const loadings = gaussianMatrix(classes, channels, 1, rng);
  const out = new Float32Array(labels.length * steps * channels);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    const freq = (1 + (c % 4)) / steps + 0.01 * rng.normal();
    const phase = 2 * Math.PI * rng.float();
    for (let t = 0; t < steps; t++) {
      const wave = Math.sin(2 * Math.PI * freq * t + phase);
      for (let d = 0; d < channels; d++) {
        out[(i * steps + t) * channels + d] = 0.8 * wave * loadings[c * channels + d] + 0.7 * rng.normal();
      }
    }
  }
  return out;
}

const STRUCTURED_VECTOR: VectorModalitySpec = {
  name: 'vector',
  dim: 16,
  separation: 2.4,
  clusterSpread: 1,
  nonlinearity: 0.5,
  noise: 0.3,
};

function structured(opts: StructuredOptions, kinds: ('grid' | 'sequence')[], name: string): GeneratedDataset {
  const seed = opts.seed ?? 0;
  const samples = opts.samples ?? 400;
  const classes = opts.classes ?? 4;
  const labels = balancedLabels(samples, classes, Rng.fromSeed(seed, 'synthetic:labels'));
  const split = stratifiedSplit(labels, classes, 0.2, Rng.fromSeed(seed, 'synthetic:split'));
  const modalities = kinds.map((kind) =>
    kind === 'grid'
      ? { name: 'image', sampleShape: [32, 32], features: generateGrid(labels, classes, seed) }
      : { name: 'series', sampleShape: [16, 32], features: generateSequence(labels, classes, seed) },
  );
  modalities.push({
    name: 'vector',
    sampleShape: [STRUCTURED_VECTOR.dim],
    features: generateVectorModality(labels, classes, STRUCTURED_VECTOR, seed),
  });
  return assemble(name, labels, classes, split, modalities);
}

/** Modalities `image` `[32, 32]` and `vector` `[16]`; default 400 samples, 4 classes. */
export function generateGridDataset(opts: StructuredOptions = {}): GeneratedDataset {
  return structured(opts, ['grid'], 'synthetic grid');
}

/** Modalities `series` `[16, 32]` (steps × channels) and `vector` `[16]`; default 400 samples, 4 classes. */
export function generateSequenceDataset(opts: StructuredOptions = {}): GeneratedDataset {
  return structured(opts, ['sequence'], 'synthetic sequence');
}

/** All three: `image` `[32, 32]`, `series` `[16, 32]` and `vector` `[16]`; default 400 samples, 4 classes. */
export function generateMixedDataset(opts: StructuredOptions = {}): GeneratedDataset {
  return structured(opts, ['grid', 'sequence'], 'synthetic grid + sequence');
}

/** Writes the arrays as `.npy` and the manifest as `dataset.json` into `dir`; returns the manifest's path. */
export async function writeGeneratedDataset(dir: string, dataset: GeneratedDataset): Promise<string> {
  await mkdir(dir, { recursive: true });
  await Promise.all(
    Object.entries(dataset.files).map(([name, array]) => writeFile(path.join(dir, name), encodeNpy(array))),
  );
  const manifestPath = path.join(dir, 'dataset.json');
  await writeFile(manifestPath, JSON.stringify(dataset.manifest, null, 2) + '\n');
  return manifestPath;
}

/** Generates the built-in example and writes it into `dir`; returns the path of its `dataset.json`. */
export async function writeExampleDataset(dir: string, opts?: ExampleOptions): Promise<string> {
  return writeGeneratedDataset(dir, generateExampleDataset(opts));
}
