// Turns a loaded dataset and a resolved config into what the training loop consumes: the three splits for
// this seed, scaled features with absent rows zero-filled, and one presence mask per modality (all ones under
// `preprocess.missingFill` "zeros", where the model takes the zeros as the modality's input).

import type { ResolvedConfig } from '../config/types';
import { DataError, type Dataset } from '../data/types';
import { carveValidation } from '../data/splits';
import { combinePresence, missingRatesOf, simulatePresence } from '../data/missing';
import { applyScaler, fitScaler, type Scaler } from '../data/preprocess';

export interface PreparedModality {
  name: string;
  sampleShape: number[];
  sampleSize: number;
  /** `[N, ...sampleShape]`, scaled with statistics of the training rows; absent rows are zeros. */
  features: Float32Array;
  /** N values, 1 = present: the model leaves absent rows out of the modality's steps and of the fusion. */
  present: Uint8Array;
  /** True when some sample lacks this modality (from the manifest or simulated) and the fill skips it. */
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

export interface PrepareOptions {
  /**
   * Per dataset modality, N values ANDed into the test rows' presence on top of the run's own (the
   * evaluation of a checkpoint under other missing modalities); the train and validation rows keep theirs.
   */
  testPresence?: Uint8Array[];
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

export function prepareData(
  dataset: Dataset,
  config: ResolvedConfig,
  seed: number,
  options: PrepareOptions = {},
): PreparedData {
  const { train, val } = splitRows(dataset, config, seed);
  const n = dataset.labels.length;
  const M = dataset.modalities.length;
  const rates = missingRatesOf(config.preprocess.missingRate);
  let simulated = simulatePresence(n, M, rates, seed, dataset.splits.test);
  if (options.testPresence) {
    simulated ??= Array.from({ length: M }, () => new Uint8Array(n).fill(1));
    for (const row of dataset.splits.test) {
      for (let m = 0; m < M; m++) simulated[m][row] &= options.testPresence[m][row];
    }
  }
  const presence = combinePresence(dataset, simulated);
  // Run folders from before the option have none: they skipped.
  const zeros = config.preprocess.missingFill === 'zeros';

  const modalities = config.mla.order.map((name) => {
    const index = dataset.modalities.findIndex((m) => m.name === name);
    const source = dataset.modalities[index];
    const present = presence[index];
    const sampleSize = source.sampleShape.reduce((a, b) => a * b, 1);
    const scaler = fitScaler(source.features, sampleSize, train, present, config.preprocess.scale);
    const features = applyScaler(source.features, sampleSize, scaler, present);
    if (zeros) {
      const all = new Uint8Array(n).fill(1);
      return {
        name,
        sampleShape: source.sampleShape,
        sampleSize,
        features,
        present: all,
        hasMissing: false,
        scaler,
      };
    }
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
