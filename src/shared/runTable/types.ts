// The run table's data: one `TableRun` per run folder (what the host sends; built from config.json,
// status.json and summary.json only, never metrics.jsonl), the columns a table can show, and the rows it
// shows (one per run, or one per seed group with mean ± sample std over its runs).

import type { DisplayState } from '../../core/runs/types';

/** A flattened config value: arrays and objects are flattened to dotted keys or written as JSON text. */
export type Scalar = string | number | boolean | null;

export interface TableRun {
  runDir: string;
  runId: string;
  /** Config name (for a sweep trial: the sweep's name). */
  name: string;
  method: string;
  seed: number | null;
  state: DisplayState;
  /** Seed group this run belongs to (config name + launch), what "per seed group" rows gather. */
  group: string;
  /** The sweep this run is a trial of, with its axis values; null for an ordinary run. */
  sweep: { name: string; axes: Record<string, Scalar> } | null;
  /** The resolved config, flattened to dotted keys (`training.optimizer.lr`); the `run` facts left out. */
  config: Record<string, Scalar>;
  /** summary.json's figures (absent before the run has one): `val.fused`, `test.audio`, `bestEpoch`, … */
  metrics: Record<string, number>;
}

export type ColumnSource = 'run' | 'axis' | 'config' | 'metric';

export interface Column {
  /** `run:state`, `axis:training.optimizer.lr`, `config:mla.fusion.type`, `metric:val.fused`. */
  id: string;
  source: ColumnSource;
  /** The key within its source (what a header shows). */
  key: string;
  /** Numeric when every value present is a number: averaged in group rows, filtered by min/max. */
  numeric: boolean;
  /** Accuracies (fractions) shown as percentages. */
  percent: boolean;
}

/** One cell: a value, and for a seed group's numeric column its sample std and the count it is over. */
export interface Cell {
  value: Scalar;
  /** Sample standard deviation over the group (NaN for one value); absent on per-run rows. */
  std?: number;
  n?: number;
}

export interface TableRow {
  /** The run folder (per-run rows) or the seed group's key. */
  key: string;
  runDirs: string[];
  cells: Record<string, Cell>;
}

export type RowMode = 'run' | 'group';
