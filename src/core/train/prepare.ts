// Turns a loaded dataset and a resolved config into what the training loop consumes: the three splits for
// this seed, scaled features with absent rows zero-filled, and one presence mask per modality.

import type { ResolvedConfig } from '../config/types';
import type { Dataset } from '../data/types';
import { carveValidation } from '../data/splits';
import { combinePresence, simulateMissing } from '../data/missing';
import { applyScaler, fitScaler, type Scaler } from '../data/preprocess';

export interface PreparedModality {
  name: string;
  sampleShape: number[];
  sampleSize: number;
  /** `[N, ...sampleShape]`, scaled with statistics of the training rows; absent rows are zeros. */
  features: Float32Array;
  /** N values, 1 = present. */
  present: Uint8Array;
  /** True when some sample lacks this modality (from the manifest or simulated). */
  hasMissing: boolean;
  scaler: Scaler;
}

export interface PreparedData {
  classes: string[];
  labels: Int32Array;
  /** In `mla.order` (for joint training too: it fixes the concatenation order). */
  modalities: PreparedModality[];
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

export function prepareData(dataset: Dataset, config: ResolvedConfig, seed: number): PreparedData {
  let train = dataset.splits.train;
  let val = dataset.splits.val ?? new Int32Array(0);
  if (!dataset.splits.val && config.training.valFraction > 0) {
    ({ train, val } = carveValidation(train, dataset.labels, config.training.valFraction, seed));
  }
  const n = dataset.labels.length;
  const rate = config.preprocess.missingRate;
  const simulated = rate > 0 ? simulateMissing(n, dataset.modalities.length, rate, seed) : null;
  const presence = combinePresence(dataset, simulated);

  const modalities = config.mla.order.map((name) => {
    const index = dataset.modalities.findIndex((m) => m.name === name);
    const source = dataset.modalities[index];
    const present = presence[index];
    const sampleSize = source.sampleShape.reduce((a, b) => a * b, 1);
    const scaler = fitScaler(source.features, sampleSize, train, present, config.preprocess.scale);
    const features = applyScaler(source.features, sampleSize, scaler, present);
    let hasMissing = false;
    for (let i = 0; i < n && !hasMissing; i++) hasMissing = present[i] === 0;
    return { name, sampleShape: source.sampleShape, sampleSize, features, present, hasMissing, scaler };
  });
  return {
    classes: dataset.classes,
    labels: dataset.labels,
    modalities,
    train,
    val,
    test: dataset.splits.test,
  };
}
