// Runs → the comparison table: rows per config and method, cells mean ± sample std over seeds, ranks per
// column, and each row's fused figures tested against the reference method's, paired by seed.

import { meanStd } from '../../shared/stats';
import type { RunInfo } from '../runs/reader';
import type { RunConfigRecord } from '../runs/run-config';
import { holmAdjust } from './holm';
import { pairedTTest } from './paired-t';
import { checkProtocol, describeProtocol, protocolDifferences } from './protocol';
import { runScores } from './run-scores';
import { FUSED, type CompareCell, type CompareOptions, type CompareRow, type CompareTable } from './types';

/** A run's figure per column. */
type ColumnValues = Record<string, number>;

interface RowRuns {
  config: string;
  method: string;
  /** By seed; a seed run twice counts once, its latest run (runs come oldest first). */
  bySeed: Map<number, { run: RunInfo; scores: ColumnValues }>;
  /** With `problems: 'mark'`: runs left out of the row, and why. */
  missing: string[];
  mismatch: string | null;
}

export function buildCompareTable(runs: readonly RunInfo[], options: CompareOptions): CompareTable {
  if (runs.length === 0) throw new Error('no runs to compare');
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
  const mark = options.problems === 'mark';
  const configOf = (run: RunInfo) => run.resolved as RunConfigRecord;
  const methods = [...new Set(runs.map((r) => configOf(r).method as string))];
  if (options.reference !== undefined && !methods.includes(options.reference)) {
    throw new Error(`--reference ${options.reference}: no row has this method (rows: ${methods.join(', ')})`);
  }
  const reference =
    options.reference ?? (columns.includes(FUSED) && methods.includes('joint') ? 'joint' : null);
  // The protocol every row is held to: the reference's (the first run where there is none).
  const base = runs.find((r) => configOf(r).method === reference) ?? runs[0];
  if (!mark) checkProtocol(runs);

  const groups = new Map<string, RowRuns>();
  for (const run of runs) {
    const config = configOf(run);
    const key = `${config.name}\u0000${config.method}`;
    let group = groups.get(key);
    if (!group) {
      group = { config: config.name, method: config.method, bySeed: new Map(), missing: [], mismatch: null };
      groups.set(key, group);
    }
    if (mark && group.mismatch === null) {
      const differ = protocolDifferences(base, run);
      if (differ.length > 0) group.mismatch = `protocol differs from the reference's: ${differ.join('; ')}`;
    }
    let scores: ColumnValues;
    try {
      scores = valuesOf(run);
    } catch (error) {
      if (!mark) throw error;
      group.missing.push(`seed ${config.run.seed}: ${(error as Error).message.replace(`${run.dir}: `, '')}`);
      continue;
    }
    group.bySeed.set(config.run.seed, { run, scores });
  }

  const rows: CompareRow[] = [...groups.values()].map((g) => {
    const seeds = [...g.bySeed.keys()].sort((a, b) => a - b);
    const cells: Record<string, CompareCell> = {};
    for (const column of columns) {
      const values = seeds.map((s) => valueOf(g.bySeed.get(s)!.scores, column));
      cells[column] = { ...meanStd(values), values, rank: 0 };
    }
    return {
      label: `${g.config} (${g.method})`,
      config: g.config,
      method: g.method,
      seeds,
      runDirs: seeds.map((s) => g.bySeed.get(s)!.run.dir),
      cells,
      test: null,
      note: g.missing.length > 0 ? g.missing.join('; ') : null,
      mismatch: g.mismatch,
    };
  });
  for (const column of columns) rankColumn(rows, column);

  if (reference !== null) testAgainst(rows, groups, reference);
  return {
    columns,
    rows,
    reference,
    protocol: describeProtocol(configOf(base)),
    metric: options.metric,
    epoch: options.epoch,
  };
}

function valueOf(scores: ColumnValues, column: string): number {
  return scores[column] ?? NaN;
}

/**
 * Best mean 1, second 2; ties share the rank; a column with one row or no values marks nothing. Rows whose
 * protocol differs compete for no rank: their figures are not comparable.
 */
function rankColumn(rows: CompareRow[], column: string): void {
  const fair = rows.filter((r) => r.mismatch === null);
  const means = [...new Set(fair.map((r) => r.cells[column].mean).filter(Number.isFinite))].sort(
    (a, b) => b - a,
  );
  if (fair.length < 2) return;
  for (const row of fair) {
    const cell = row.cells[column];
    cell.rank = cell.mean === means[0] ? 1 : cell.mean === means[1] ? 2 : 0;
  }
}

function testAgainst(rows: CompareRow[], groups: Map<string, RowRuns>, reference: string): void {
  const refRow = rows.find((r) => r.method === reference)!;
  const refGroup = groups.get(`${refRow.config}\u0000${refRow.method}`)!;
  const tested: CompareRow[] = [];
  const results: ReturnType<typeof pairedTTest>[] = [];
  const addNote = (row: CompareRow, note: string) => {
    row.note = row.note === null ? note : `${note}; ${row.note}`;
  };
  for (const row of rows) {
    if (row === refRow) continue;
    if (row.mismatch !== null) {
      addNote(row, 'protocol differs: no test');
      continue;
    }
    const group = groups.get(`${row.config}\u0000${row.method}`)!;
    const same = row.seeds.length === refRow.seeds.length && row.seeds.every((s, i) => s === refRow.seeds[i]);
    if (!same) {
      addNote(
        row,
        `seeds ${row.seeds.join(', ')} do not pair with ${refRow.label}'s ${refRow.seeds.join(', ')}`,
      );
      continue;
    }
    if (row.seeds.length < 2) {
      addNote(row, 'one seed: no test');
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
