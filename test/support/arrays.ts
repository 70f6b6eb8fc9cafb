// Writes real array files for the project-scan and `mla init` tests: `.npy` through the project's encoder,
// `.csv` / `.csv.gz` / `.txt` as text, exactly as numpy or a spreadsheet would leave them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeNpy } from '../../src/core/data/npy';
import type { NumericArray } from '../../src/core/data/types';

export function writeNpy(dir: string, name: string, shape: number[], data: NumericArray): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeNpy({ shape, data }));
  return file;
}

/** Rows of numbers as comma-separated lines; `.gz` names are gzipped. */
export function writeCsv(dir: string, name: string, rows: number[][]): string {
  const file = path.join(dir, name);
  const text = rows.map((r) => r.join(',')).join('\n') + '\n';
  fs.writeFileSync(file, name.endsWith('.gz') ? gzipSync(text) : text);
  return file;
}

/** Labels `i % classes` for `n` samples, as int32. */
export function cyclicLabels(n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % classes);
}

/** `[n, d]` features that carry the label (so a short training run learns something), as float32. */
export function labelledFeatures(labels: Int32Array, d: number, strength: number): Float32Array {
  const out = new Float32Array(labels.length * d);
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < d; j++)
      out[i * d + j] = (j === labels[i] % d ? strength : 0) + Math.sin(i * 7 + j * 3);
  return out;
}
