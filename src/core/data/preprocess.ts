// Feature scaling fitted on the training split only (docs/formats.md, training config, `preprocess.scale`), as the PyTorch
// peer's `fit_scaler`: statistics over the train rows that have the modality, applied to every row, absent
// rows zero-filled afterwards.
//
// Statistics are per element of the flattened sample. For a vector that is per feature; for a grid
// `[H, W(, C)]` or a sequence `[T, D]` it is per pixel / per time step and channel. That is the peer's
// behaviour on flattened data, keeps one rule for every shape, and with aligned inputs (fixed-size images,
// fixed-length sequences) it also removes per-position offsets that a conv encoder would otherwise learn.

import type { ScaleMode } from '../config/types';
import { DataError } from './types';

export interface Scaler {
  mode: ScaleMode;
  /** Per element: scaled = (x − shift) / scale. Plain arrays so the scaler round-trips through JSON. */
  shift: number[];
  scale: number[];
}

// Below these spreads a column is treated as constant, as in the peer.
const MIN_STD = 1e-8;
const MIN_RANGE = 1e-12;

/** Fits per-element statistics over `rows` where `present` is 1 (`null`: every row has the modality). */
export function fitScaler(
  features: Float32Array,
  sampleSize: number,
  rows: Int32Array,
  present: Uint8Array | null,
  mode: ScaleMode,
): Scaler {
  const shift = new Float64Array(sampleSize);
  const scale = new Float64Array(sampleSize).fill(1);
  const used = present ? rows.filter((i) => present[i] === 1) : rows;
  if (mode !== 'none' && used.length > 0) {
    if (mode === 'standardize') {
      for (const i of used) {
        const base = i * sampleSize;
        for (let j = 0; j < sampleSize; j++) shift[j] += features[base + j];
      }
      for (let j = 0; j < sampleSize; j++) shift[j] /= used.length;
      // Two passes: the population variance (numpy's default ddof=0) without the cancellation of E[x²]−E[x]².
      const sq = new Float64Array(sampleSize);
      for (const i of used) {
        const base = i * sampleSize;
        for (let j = 0; j < sampleSize; j++) {
          const d = features[base + j] - shift[j];
          sq[j] += d * d;
        }
      }
      for (let j = 0; j < sampleSize; j++) {
        const std = Math.sqrt(sq[j] / used.length);
        scale[j] = std > MIN_STD ? std : 1;
      }
    } else {
      const max = new Float64Array(sampleSize).fill(-Infinity);
      shift.fill(Infinity);
      for (const i of used) {
        const base = i * sampleSize;
        for (let j = 0; j < sampleSize; j++) {
          const v = features[base + j];
          if (v < shift[j]) shift[j] = v;
          if (v > max[j]) max[j] = v;
        }
      }
      for (let j = 0; j < sampleSize; j++) {
        const range = max[j] - shift[j];
        scale[j] = range > MIN_RANGE ? range : 1;
      }
    }
  }
  return { mode, shift: Array.from(shift), scale: Array.from(scale) };
}

/** A scaled copy; rows whose `present` is 0 become zeros (the model never reads them, but keep them finite). */
export function applyScaler(
  features: Float32Array,
  sampleSize: number,
  scaler: Scaler,
  present: Uint8Array | null,
): Float32Array {
  if (scaler.shift.length !== sampleSize || scaler.scale.length !== sampleSize) {
    throw new DataError(
      `scaler has ${scaler.shift.length} shifts and ${scaler.scale.length} scales, expected ${sampleSize} ` +
        `(one per element of a sample)`,
    );
  }
  if (features.length % sampleSize !== 0) {
    throw new DataError(`applyScaler: ${features.length} values are not whole samples of ${sampleSize}`);
  }
  const n = features.length / sampleSize;
  const out = new Float32Array(features.length);
  const shift = Float64Array.from(scaler.shift);
  const scale = Float64Array.from(scaler.scale);
  for (let i = 0; i < n; i++) {
    if (present && present[i] === 0) continue;
    const base = i * sampleSize;
    for (let j = 0; j < sampleSize; j++) out[base + j] = (features[base + j] - shift[j]) / scale[j];
  }
  return out;
}
