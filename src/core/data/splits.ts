// Carving a validation split out of train when the manifest has none (docs/formats.md, dataset manifest, `splits.val`).

import { Rng } from '../util/random';
import { DataError } from './types';

/** Python's round(): halves go to the even neighbour, so 0.1 × 25 = 2.5 gives 2 as in the PyTorch peer. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Stratified: every class gives `round(fraction × n_c)` of its train rows (at least 1 when fraction > 0 and
 * the class has 2 or more). `val` is sorted ascending; `train` keeps the manifest's order for what remains.
 * Classes are visited in ascending order with one stream `Rng.fromSeed(seed, stream)`; a project's test split
 * is carved the same way from every row with its own stream, so it never shares a shuffle with the val carve.
 */
export function carveValidation(
  train: Int32Array,
  labels: Int32Array,
  fraction: number,
  seed: number,
  stream = 'val-split',
): { train: Int32Array; val: Int32Array } {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new DataError(`validation fraction ${fraction} is outside [0, 1)`);
  }
  const byClass = new Map<number, number[]>();
  for (const i of train) {
    const c = labels[i];
    let rows = byClass.get(c);
    if (!rows) byClass.set(c, (rows = []));
    rows.push(i);
  }
  const rng = Rng.fromSeed(seed, stream);
  const inVal = new Set<number>();
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle(byClass.get(c)!);
    let k = roundHalfEven(fraction * rows.length);
    if (fraction > 0 && k === 0 && rows.length >= 2) k = 1;
    for (let j = 0; j < k; j++) inVal.add(rows[j]);
  }
  const val = Int32Array.from(inVal).sort();
  const rest = train.filter((i) => !inVal.has(i));
  return { train: rest, val };
}
