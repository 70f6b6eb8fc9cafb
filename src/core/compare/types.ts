// The comparison table as data: one model that every format (markdown, LaTeX, CSV, JSON) and the Compare
// view render, so they cannot disagree.

import type { PairedTTest } from './paired-t';

export type CompareMetric = 'test' | 'val';
export type CompareEpoch = 'best' | 'last' | number;

export interface CompareOptions {
  metric: CompareMetric;
  epoch: CompareEpoch;
  /** The method the other rows are tested against; default `joint` when a row has it. */
  reference?: string;
  /**
   * `refuse` (the command line): runs whose protocol differs, or that lack the chosen figures, stop the table
   * with an error. `mark` (the Compare view, which shows runs as they train): such rows stay in the table,
   * out of the ranks and the test, with the reason in `mismatch` or `note`.
   */
  problems?: 'refuse' | 'mark';
}

/** One column's figures of one row: a value per seed, and their mean ± sample std. */
export interface CompareCell {
  mean: number;
  std: number;
  n: number;
  /** Each seed's value, in the row's `seeds` order (NaN where the run lacks this column). */
  values: number[];
  /** 1 for the best mean of the column, 2 for the second, else 0. */
  rank: 0 | 1 | 2;
}

export interface CompareTest extends PairedTTest {
  /** Holm-adjusted across the rows tested. */
  pHolm: number;
}

export interface CompareRow {
  /** `config name (method)`. */
  label: string;
  config: string;
  method: string;
  seeds: number[];
  runDirs: string[];
  /** Keyed by column (modality names and `fused`). */
  cells: Record<string, CompareCell>;
  /** The fused column against the reference, paired by seed; null for the reference itself and unpaired rows. */
  test: CompareTest | null;
  /** Why a row is not tested, e.g. its seeds do not pair with the reference's. */
  note: string | null;
  /** With `problems: 'mark'`: how the row's protocol differs from the reference's (null: it does not). */
  mismatch: string | null;
}

export interface CompareTable {
  /** Modality columns in order, then `fused`. */
  columns: string[];
  rows: CompareRow[];
  reference: string | null;
  /** What every row shares (dataset, optimizer, schedule, epochs, batch size, model, selection). */
  protocol: string[];
  metric: CompareMetric;
  epoch: CompareEpoch;
  /** What the cells are, where not the runs' recorded accuracies (e.g. a missing-modality grid). */
  cellsText?: string;
}

export const FUSED = 'fused';
