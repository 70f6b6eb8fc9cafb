// A run's saved checkpoint evaluated on its test split under other missing modalities than it was trained
// and tested with, without retraining and without writing into the run folder: per missing rate, each test
// sample drops each modality with that probability (a mask drawn from the run's seed, so the same for every
// method of a comparison); per modality combination, every test sample has exactly those modalities. The
// masks come on top of the run's own (its manifest's `present` masks and its `preprocess.missingRate`).

import { simulateMissing } from '../data/missing';
import { RowGatherer } from '../train/batches';
import { predictSplit, scoreSplit } from '../train/evaluate';
import { chooseCheckpoint, type CheckpointChoice } from '../train/evaluateCheckpoint';
import { Network } from '../train/network';
import { prepareData } from '../train/prepare';
import { loadRunDataset, readRunConfig } from '../train/runner';
import { assignWeights } from '../train/snapshot';
import { loadCheckpoint } from '../runs/checkpoint';

/** The random stream of the grid's masks: independent of the run's own simulated missingness. */
const GRID_STREAM = 'missing-grid';

/** A column of the grid: a missing rate, or the modalities every test sample keeps. */
export type MissingColumn = { key: string; rate: number } | { key: string; present: string[] };

export function missingColumns(rates: readonly number[], combos: readonly string[][]): MissingColumn[] {
  return [
    ...rates.map((rate) => ({ key: `r=${rate}`, rate })),
    ...combos.map((present) => ({ key: `only ${present.join('+')}`, present })),
  ];
}

export interface MissingGridResult {
  epoch: number;
  /** Fused test accuracy per column key. */
  fused: Record<string, number>;
}

export async function evaluateMissingGrid(
  runDir: string,
  checkpoint: CheckpointChoice,
  columns: readonly MissingColumn[],
  onProgress?: (message: string) => void,
): Promise<MissingGridResult> {
  const record = readRunConfig(runDir);
  const names = record.mla.order;
  for (const c of columns) {
    if (!('present' in c)) continue;
    const unknown = c.present.find((m) => !names.includes(m));
    if (unknown !== undefined) {
      throw new Error(
        `--missing-combos: ${runDir} has no modality "${unknown}" (its modalities: ${names.join(', ')})`,
      );
    }
  }
  const ref = chooseCheckpoint(runDir, checkpoint);
  onProgress?.(`loading data for ${record.name} (seed ${record.run.seed})`);
  const dataset = await loadRunDataset(record);
  const n = dataset.labels.length;
  const seed = record.run.seed;
  const saved = await loadCheckpoint(ref.dir);
  let net: Network | null = null;
  try {
    const fused: Record<string, number> = {};
    for (const column of columns) {
      const masks =
        'rate' in column
          ? simulateMissing(n, dataset.modalities.length, column.rate, seed, GRID_STREAM)
          : dataset.modalities.map((m) => new Uint8Array(n).fill(column.present.includes(m.name) ? 1 : 0));
      const data = prepareData(dataset, record, seed, { testPresence: masks });
      if (!net) {
        net = Network.build(record, data.modalities, data.classes.length, seed);
        assignWeights(saved, net);
      }
      onProgress?.(`${record.name} seed ${seed}: ${column.key}`);
      const gatherers = data.modalities.map((m) => new RowGatherer(m));
      const out = await predictSplit(net, data, gatherers, data.test, record.mla.fusion);
      fused[column.key] = scoreSplit(out, net.order).fused;
    }
    return { epoch: ref.epoch, fused };
  } finally {
    net?.dispose();
  }
}
