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
  /** The dataset's name, where the comparison spans several datasets (one table each). */
  dataset?: string;
}

/** One method across the datasets: by dataset (in the summary's `datasets` order) its score and rank there. */
export interface MethodRanks {
  method: string;
  /** The multimodal column's mean over seeds. */
  scores: number[];
  /** 1 for the best score of the dataset; tied scores share the average of the ranks they span. */
  ranks: number[];
  averageRank: number;
}

/** Friedman's test that all methods rank alike, on the average ranks over N datasets (Demšar 2006, §3.2.2). */
export interface FriedmanTest {
  chiSquare: number;
  /** k − 1. */
  df: number;
  p: number;
}

/** Iman and Davenport's F, the less conservative form of Friedman's χ², with F(k − 1, (k − 1)(N − 1)). */
export interface ImanDavenportTest {
  f: number;
  df1: number;
  df2: number;
  p: number;
}

/** The Nemenyi post-hoc test: two methods differ when their average ranks differ by at least `cd`. */
export interface NemenyiTest {
  alpha: number;
  /** The studentized range statistic over √2; null beyond the table (k > 10). */
  q: number | null;
  cd: number | null;
}

/** The ranks of the methods over several datasets, with the tests a critical-difference diagram reports. */
export interface RankSummary {
  datasets: string[];
  /** Best average rank first. */
  methods: MethodRanks[];
  friedman: FriedmanTest;
  imanDavenport: ImanDavenportTest;
  nemenyi: NemenyiTest;
  /**
   * The methods not significantly different from each other, as maximal runs in rank order whose average
   * ranks span less than the CD; a method in no run with another stands alone. Empty without a CD.
   */
  groups: string[][];
  /** Methods left out of the ranks, each with why (they lack a row on some dataset). */
  leftOut: string[];
}

/** A comparison: one table per dataset and, over two or more datasets, the methods' ranks across them. */
export interface CompareReport {
  tables: CompareTable[];
  ranks: RankSummary | null;
  /** Over two or more datasets without a summary: why there is none. */
  ranksNote: string | null;
}

export const FUSED = 'fused';
