// Turns a loaded dataset and a resolved config into what the training loop consumes: the three splits for
// this seed, scaled features with absent rows zero-filled, and one presence mask per modality.

import type { ResolvedConfig } from '../config/types';
import { DataError, type Dataset } from '../data/types';
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

/**
 * The train and validation rows of this seed (validation carved from train unless the manifest has one);
 * throws a DataError when a split is left empty. `mla validate` calls it too, for each of the config's seeds.
 */
export function splitRows(
  dataset: Dataset,
  config: ResolvedConfig,
  seed: number,
): { train: Int32Array; val: Int32Array } {
  let train = dataset.splits.train;
  let val = dataset.splits.val ?? new Int32Array(0);
  if (!dataset.splits.val && config.training.valFraction > 0) {
    ({ train, val } = carveValidation(train, dataset.labels, config.training.valFraction, seed));
  }
  checkSplitsNotEmpty(dataset, config, train, val);
  return { train, val };
}

export function prepareData(dataset: Dataset, config: ResolvedConfig, seed: number): PreparedData {
  const { train, val } = splitRows(dataset, config, seed);
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

/** A split with no rows makes a run that is not what it says (trained on nothing, selected on nothing). */
function checkSplitsNotEmpty(
  dataset: Dataset,
  config: ResolvedConfig,
  train: Int32Array,
  val: Int32Array,
): void {
  const carved = !dataset.splits.val && config.training.valFraction > 0;
  const fraction = `training.valFraction ${config.training.valFraction}`;
  if (train.length === 0) {
    const why = carved
      ? `${fraction} moves all ${val.length} train rows into validation; expected a smaller fraction`
      : `the dataset's train split is empty`;
    throw new DataError(`${dataset.source}: no rows to train on: ${why}`);
  }
  if (carved && val.length === 0) {
    throw new DataError(
      `${dataset.source}: ${fraction} leaves the validation split empty (${train.length} train rows); expected a larger fraction`,
    );
  }
  if (dataset.splits.test.length === 0) {
    throw new DataError(`${dataset.source}: the test split is empty`);
  }
}
