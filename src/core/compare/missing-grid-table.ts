// The missing-modality table (`mla compare --missing-grid`): every run's checkpoint evaluated under each
// column's missing modalities, then the same rows, cells and ranks as the comparison table.

import type { RunInfo } from '../runs/reader';
import { evaluateMissingGrid, missingColumns } from '../eval/missing-grid';
import type { CheckpointChoice } from '../train/evaluateCheckpoint';
import { buildValuesTable } from './build-table';
import type { CompareEpoch, CompareTable } from './types';

export interface MissingGridOptions {
  epoch: CompareEpoch;
  rates: number[];
  /** Each the modalities every test sample keeps. */
  combos: string[][];
}

export async function missingGridTable(
  runs: readonly RunInfo[],
  options: MissingGridOptions,
  onProgress?: (message: string) => void,
): Promise<CompareTable> {
  const columns = missingColumns(options.rates, options.combos);
  if (columns.length === 0) throw new Error('the missing-modality grid needs a rate or a combination');
  const checkpoint: CheckpointChoice = options.epoch === 'last' ? 'latest' : options.epoch;
  const values = new Map<string, Record<string, number>>();
  for (const run of runs) {
    values.set(run.dir, (await evaluateMissingGrid(run.dir, checkpoint, columns, onProgress)).fused);
  }
  const at =
    options.epoch === 'best'
      ? "the best validation epoch's checkpoint"
      : options.epoch === 'last'
        ? 'the latest checkpoint'
        : `epoch ${options.epoch}'s checkpoint`;
  const parts = [];
  if (options.rates.length > 0) {
    parts.push(
      "column r=x: each test sample drops each modality with probability x (never all), drawn from the run's seed",
    );
  }
  if (options.combos.length > 0) parts.push('column only X: every test sample has exactly the modalities X');
  return buildValuesTable(
    runs,
    columns.map((c) => c.key),
    values,
    {
      metric: 'test',
      epoch: options.epoch,
      cellsText: `multimodal test accuracy (%) at ${at} under missing modalities, mean ± sample std over seeds (n); ${parts.join('; ')}`,
    },
  );
}
