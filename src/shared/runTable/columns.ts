// The columns a run table can show: the run's own facts, then every sweep axis, config key and summary
// figure that any run has (a column a run lacks is an empty cell there, not an error).

import type { Column, ColumnSource, Scalar, TableRun } from './types';

/** The run's own facts, always offered first. */
export const RUN_COLUMNS = ['name', 'run', 'state', 'method', 'seed', 'n'] as const;
const RUN_TITLES: Record<(typeof RUN_COLUMNS)[number], string> = {
  name: 'config',
  run: 'run',
  state: 'state',
  method: 'method',
  seed: 'seed',
  n: 'runs',
};
/** Shown whatever "only columns that differ" says: they tell the rows apart. */
export const IDENTITY_COLUMNS: readonly string[] = ['run:name', 'run:run'];

export function columnId(source: ColumnSource, key: string): string {
  return `${source}:${key}`;
}

/** The value of `column` for one run (`run:n` is 1: a run row stands for one run). */
export function valueOf(run: TableRun, column: Pick<Column, 'source' | 'key'>): Scalar {
  switch (column.source) {
    case 'run':
      switch (column.key) {
        case 'name':
          return run.name;
        case 'run':
          return run.runId;
        case 'state':
          return run.state;
        case 'method':
          return run.method;
        case 'seed':
          return run.seed;
        case 'n':
          return 1;
        default:
          return null;
      }
    case 'axis':
      return run.sweep?.axes[column.key] ?? null;
    case 'config':
      return run.config[column.key] ?? null;
    case 'metric':
      return run.metrics[column.key] ?? null;
  }
}

/** Every column of `runs`: run facts, axes, config keys and metrics, each group sorted by key. */
export function columnsOf(runs: readonly TableRun[]): Column[] {
  const keys: Record<Exclude<ColumnSource, 'run'>, Set<string>> = {
    axis: new Set(),
    config: new Set(),
    metric: new Set(),
  };
  for (const run of runs) {
    for (const key of Object.keys(run.sweep?.axes ?? {})) keys.axis.add(key);
    for (const key of Object.keys(run.config)) keys.config.add(key);
    for (const key of Object.keys(run.metrics)) keys.metric.add(key);
  }
  const columns: Column[] = RUN_COLUMNS.map((key) => make('run', key, runs));
  for (const source of ['axis', 'config', 'metric'] as const) {
    for (const key of [...keys[source]].sort(byKey)) columns.push(make(source, key, runs));
  }
  return columns;
}

export function columnTitle(column: Pick<Column, 'source' | 'key'>): string {
  if (column.source === 'run') return RUN_TITLES[column.key as (typeof RUN_COLUMNS)[number]] ?? column.key;
  return column.key;
}

function make(source: ColumnSource, key: string, runs: readonly TableRun[]): Column {
  let numeric = source !== 'run' || key === 'seed' || key === 'n';
  for (const run of runs) {
    const v = valueOf(run, { source, key });
    if (v !== null && typeof v !== 'number') {
      numeric = false;
      break;
    }
  }
  // Accuracies and F1 are fractions; epochs, seconds and throughput are not.
  const percent = source === 'metric' && /^(val|test|last\.val|last\.test)\./.test(key);
  return { id: columnId(source, key), source, key, numeric, percent };
}

function byKey(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
