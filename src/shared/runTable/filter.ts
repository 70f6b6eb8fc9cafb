// Filters of the run table: runs by state and method (before grouping, so a seed group's figures are over
// the runs that pass), then rows by numeric ranges (inclusive; a row without the figure fails a range) and
// by text (case-insensitive substring of the cell as shown).

import type { DisplayState } from '../../core/runs/types';
import type { TableRow, TableRun } from './types';

export interface RunFilter {
  /** Empty: every state. */
  states: readonly DisplayState[];
  /** Empty: every method. */
  methods: readonly string[];
}

export interface RowFilter {
  ranges: Readonly<Record<string, { min: number | null; max: number | null }>>;
  text: Readonly<Record<string, string>>;
}

export function filterRuns(runs: readonly TableRun[], filter: RunFilter): TableRun[] {
  return runs.filter(
    (r) =>
      (filter.states.length === 0 || filter.states.includes(r.state)) &&
      (filter.methods.length === 0 || filter.methods.includes(r.method)),
  );
}

export function filterRows(rows: readonly TableRow[], filter: RowFilter): TableRow[] {
  const ranges = Object.entries(filter.ranges).filter(([, r]) => r.min !== null || r.max !== null);
  const texts = Object.entries(filter.text)
    .map(([column, text]) => [column, text.trim().toLowerCase()] as const)
    .filter(([, text]) => text !== '');
  if (ranges.length === 0 && texts.length === 0) return [...rows];
  return rows.filter((row) => {
    for (const [column, { min, max }] of ranges) {
      const v = row.cells[column]?.value ?? null;
      if (typeof v !== 'number') return false;
      if ((min !== null && v < min) || (max !== null && v > max)) return false;
    }
    for (const [column, text] of texts) {
      const v = row.cells[column]?.value ?? null;
      if (v === null || !String(v).toLowerCase().includes(text)) return false;
    }
    return true;
  });
}
