// Which samples have which modality: the manifest's `present` masks and simulated missingness
// (docs/formats.md, training config, `preprocess.missingRate`).

import { Rng } from '../util/random';
import { DataError, type Dataset } from './types';

/**
 * One 0/1 mask per modality: every sample drops every modality with probability `rate`, but never all of
 * them; when all would drop, one chosen at random stays. Draws go sample by sample from
 * `Rng.fromSeed(seed, stream)`, so the masks depend only on (n, modalities, rate, seed, stream).
 */
export function simulateMissing(
  n: number,
  modalities: number,
  rate: number,
  seed: number,
  stream = 'missing',
): Uint8Array[] {
  if (!(rate >= 0 && rate < 1)) throw new DataError(`missing rate ${rate} is outside [0, 1)`);
  if (!Number.isInteger(modalities) || modalities < 1) {
    throw new DataError(`simulateMissing: need at least one modality, got ${modalities}`);
  }
  const masks = Array.from({ length: modalities }, () => new Uint8Array(n).fill(1));
  if (rate === 0) return masks;
  const rng = Rng.fromSeed(seed, stream);
  for (let i = 0; i < n; i++) {
    let kept = 0;
    for (let m = 0; m < modalities; m++) {
      if (rng.float() < rate) masks[m][i] = 0;
      else kept++;
    }
    if (kept === 0) masks[rng.int(modalities)][i] = 1;
  }
  return masks;
}

/**
 * The presence the trainer uses, one mask per modality in dataset order: the manifest's mask AND the
 * simulated one; all ones where neither exists. Where the AND would leave a sample with nothing although the
 * manifest gave it some modality, that sample keeps the first such modality: simulation promises at least
 * one modality per sample, and the fusion has nothing to weigh without one.
 */
export function combinePresence(dataset: Dataset, simulated: Uint8Array[] | null): Uint8Array[] {
  const n = dataset.labels.length;
  const mods = dataset.modalities;
  if (simulated && simulated.length !== mods.length) {
    throw new DataError(`combinePresence: ${simulated.length} simulated masks for ${mods.length} modalities`);
  }
  const out = mods.map((mod, m) => {
    const mask = new Uint8Array(n).fill(1);
    const sources = [mod.present, simulated ? simulated[m] : null];
    for (const source of sources) {
      if (!source) continue;
      if (source.length !== n) {
        throw new DataError(
          `combinePresence: modality "${mod.name}" mask has ${source.length} values, expected ${n}`,
        );
      }
      for (let i = 0; i < n; i++) mask[i] &= source[i];
    }
    return mask;
  });
  if (simulated) {
    for (let i = 0; i < n; i++) {
      if (out.some((mask) => mask[i] === 1)) continue;
      const fallback = mods.findIndex((mod) => !mod.present || mod.present[i] === 1);
      if (fallback >= 0) out[fallback][i] = 1;
    }
  }
  return out;
}

/** Simulated missing rates of the train and validation rows, and of the test rows. */
export interface MissingRates {
  train: number;
  test: number;
}

/**
 * `preprocess.missingRate` as rates per part: a number is both (as a run folder's config.json from before the
 * split holds it), an object its `train` and `test` (0 where absent).
 */
export function missingRatesOf(value: unknown): MissingRates {
  if (typeof value === 'number') return { train: value, test: value };
  const o = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const rate = (key: string) => (typeof o[key] === 'number' ? o[key] : 0);
  return { train: rate('train'), test: rate('test') };
}

/**
 * The simulated masks of a run, or null where nothing is simulated: with equal rates one draw over every
 * sample (`simulateMissing`'s 'missing' stream); else the train rate's draw for the rows outside `testRows`
 * and an independent draw ('missing/test') at the test rate for the test rows.
 */
export function simulatePresence(
  n: number,
  modalities: number,
  rates: MissingRates,
  seed: number,
  testRows: Int32Array,
): Uint8Array[] | null {
  if (rates.train === rates.test) {
    return rates.train > 0 ? simulateMissing(n, modalities, rates.train, seed) : null;
  }
  const masks = simulateMissing(n, modalities, rates.train, seed);
  const test = simulateMissing(n, modalities, rates.test, seed, 'missing/test');
  for (const row of testRows) for (let m = 0; m < modalities; m++) masks[m][row] = test[m][row];
  return masks;
}
