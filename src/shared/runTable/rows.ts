// Rows of the run table: one per run, or one per seed group, where a summary figure is the mean over the
// group's runs with its sample standard deviation and count (n − 1, as the seed comparison and papers
// report), and any other column the value the group's runs share, or their distinct values listed.

import { meanStd } from '../stats';
import { valueOf } from './columns';
import type { Cell, Column, RowMode, Scalar, TableRow, TableRun } from './types';

export function buildRows(runs: readonly TableRun[], columns: readonly Column[], mode: RowMode): TableRow[] {
  if (mode === 'run') {
    return runs.map((run) => {
      const cells: Record<string, Cell> = {};
      for (const column of columns) cells[column.id] = { value: valueOf(run, column) };
      return { key: run.runDir, runDirs: [run.runDir], cells };
    });
  }
  const groups = new Map<string, TableRun[]>();
  for (const run of runs) {
    const members = groups.get(run.group);
    if (members) members.push(run);
    else groups.set(run.group, [run]);
  }
  return [...groups.entries()].map(([key, members]) => {
    const cells: Record<string, Cell> = {};
    for (const column of columns) cells[column.id] = groupCell(members, column);
    return { key, runDirs: members.map((r) => r.runDir), cells };
  });
}

function groupCell(members: readonly TableRun[], column: Column): Cell {
  if (column.source === 'run' && column.key === 'n') return { value: members.length };
  const values = members.map((run) => valueOf(run, column));
  if (column.source === 'run' && column.key === 'run')
    return { value: members.length === 1 ? values[0] : `${members.length} runs` };
  // Figures are averaged; parameters (axes, config keys, seeds) are what the group shares, or listed.
  if (column.source === 'metric') {
    const stats = meanStd(values as (number | null)[]);
    return { value: stats.n === 0 ? null : stats.mean, std: stats.std, n: stats.n };
  }
  return { value: distinct(values) };
}

/** The one value all share; else the distinct values, sorted, joined by ", "; null when none has one. */
function distinct(values: readonly Scalar[]): Scalar {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) return null;
  // The common case (a parameter the whole group shares) needs no set.
  if (present.every((v) => v === present[0])) return present[0];
  const unique = [...new Set(present.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
  if (unique.length === 1) return present[0];
  return unique.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(', ');
}
