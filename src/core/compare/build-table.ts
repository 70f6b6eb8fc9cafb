// Runs → the comparison table: rows per config and method, cells mean ± sample std over seeds, ranks per
// column, and each row's fused figures tested against the reference method's, paired by seed.

import { meanStd } from '../../shared/stats';
import type { RunInfo } from '../runs/reader';
import type { RunConfigRecord } from '../runs/run-config';
import { holmAdjust } from './holm';
import { pairedTTest } from './paired-t';
import { checkProtocol, describeProtocol } from './protocol';
import { runScores } from './run-scores';
import { FUSED, type CompareCell, type CompareOptions, type CompareRow, type CompareTable } from './types';

/** A run's figure per column. */
type ColumnValues = Record<string, number>;

interface RowRuns {
  config: string;
  method: string;
  /** By seed; a seed run twice counts once, its latest run (runs come oldest first). */
  bySeed: Map<number, { run: RunInfo; scores: ColumnValues }>;
}

export function buildCompareTable(runs: readonly RunInfo[], options: CompareOptions): CompareTable {
  if (runs.length === 0) throw new Error('no runs to compare');
  checkProtocol(runs);
  const columns: string[] = [];
  for (const run of runs) {
    for (const m of (run.resolved as RunConfigRecord).mla.order) if (!columns.includes(m)) columns.push(m);
  }
  columns.push(FUSED);
  return tableOf(runs, columns, options, (run) => {
    const scores = runScores(run, options.metric, options.epoch);
    return { ...scores.unimodal, [FUSED]: scores.fused };
  });
}

/**
 * The table of figures other than the runs' records (a missing-modality grid evaluated from checkpoints):
 * `values` per run folder, keyed by `columns`; `cellsText` says what the cells are. No significance column.
 */
export function buildValuesTable(
  runs: readonly RunInfo[],
  columns: readonly string[],
  values: ReadonlyMap<string, ColumnValues>,
  options: CompareOptions & { cellsText: string },
): CompareTable {
  if (runs.length === 0) throw new Error('no runs to compare');
  checkProtocol(runs);
  const table = tableOf(runs, [...columns], { ...options, reference: undefined }, (run) => {
    const v = values.get(run.dir);
    if (!v) throw new Error(`${run.dir}: no figures for this run`);
    return v;
  });
  return { ...table, reference: null, cellsText: options.cellsText };
}

function tableOf(
  runs: readonly RunInfo[],
  columns: string[],
  options: CompareOptions,
  valuesOf: (run: RunInfo) => ColumnValues,
): CompareTable {
  const groups = new Map<string, RowRuns>();
  for (const run of runs) {
    const config = run.resolved as RunConfigRecord;
    const key = `${config.name}\u0000${config.method}`;
    let group = groups.get(key);
    if (!group) {
      group = { config: config.name, method: config.method, bySeed: new Map() };
      groups.set(key, group);
    }
    group.bySeed.set(config.run.seed, { run, scores: valuesOf(run) });
  }

  const rows: CompareRow[] = [...groups.values()].map((g) => {
    const seeds = [...g.bySeed.keys()].sort((a, b) => a - b);
    const cells: Record<string, CompareCell> = {};
    for (const column of columns) {
      const values = seeds.map((s) => valueOf(g.bySeed.get(s)!.scores, column));
      cells[column] = { ...meanStd(values), rank: 0 };
    }
    return {
      label: `${g.config} (${g.method})`,
      config: g.config,
      method: g.method,
      seeds,
      runDirs: seeds.map((s) => g.bySeed.get(s)!.run.dir),
      cells,
      test: null,
      note: null,
    };
  });
  for (const column of columns) rankColumn(rows, column);

  const methods = rows.map((r) => r.method);
  if (options.reference !== undefined && !methods.includes(options.reference)) {
    throw new Error(
      `--reference ${options.reference}: no row has this method (rows: ${[...new Set(methods)].join(', ')})`,
    );
  }
  const reference =
    options.reference ?? (columns.includes(FUSED) && methods.includes('joint') ? 'joint' : null);
  if (reference !== null) testAgainst(rows, groups, reference);
  return {
    columns,
    rows,
    reference,
    protocol: describeProtocol(runs[0].resolved as RunConfigRecord),
    metric: options.metric,
    epoch: options.epoch,
  };
}

function valueOf(scores: ColumnValues, column: string): number {
  return scores[column] ?? NaN;
}

/** Best mean 1, second 2; ties share the rank; a column with one row or no values marks nothing. */
function rankColumn(rows: CompareRow[], column: string): void {
  const means = [...new Set(rows.map((r) => r.cells[column].mean).filter(Number.isFinite))].sort(
    (a, b) => b - a,
  );
  if (rows.length < 2) return;
  for (const row of rows) {
    const cell = row.cells[column];
    cell.rank = cell.mean === means[0] ? 1 : cell.mean === means[1] ? 2 : 0;
  }
}

function testAgainst(rows: CompareRow[], groups: Map<string, RowRuns>, reference: string): void {
  const refRow = rows.find((r) => r.method === reference)!;
  const refGroup = groups.get(`${refRow.config}\u0000${refRow.method}`)!;
  const tested: CompareRow[] = [];
  const results: ReturnType<typeof pairedTTest>[] = [];
  for (const row of rows) {
    if (row === refRow) continue;
    const group = groups.get(`${row.config}\u0000${row.method}`)!;
    const same = row.seeds.length === refRow.seeds.length && row.seeds.every((s, i) => s === refRow.seeds[i]);
    if (!same) {
      row.note = `seeds ${row.seeds.join(', ')} do not pair with ${refRow.label}'s ${refRow.seeds.join(', ')}`;
      continue;
    }
    if (row.seeds.length < 2) {
      row.note = 'one seed: no test';
      continue;
    }
    const a = row.seeds.map((s) => group.bySeed.get(s)!.scores[FUSED]);
    const b = row.seeds.map((s) => refGroup.bySeed.get(s)!.scores[FUSED]);
    tested.push(row);
    results.push(pairedTTest(a, b));
  }
  const adjusted = holmAdjust(results.map((r) => r.p));
  tested.forEach((row, i) => {
    row.test = { ...results[i], pHolm: adjusted[i] };
  });
}
