// "Only columns that differ": of the chosen columns, those whose value is not the same in every row shown
// (a column empty in some rows and set in others differs). The identity columns always stay.

import { IDENTITY_COLUMNS } from './columns';
import type { TableRow } from './types';

export function differingColumns(columns: readonly string[], rows: readonly TableRow[]): string[] {
  return columns.filter((column) => {
    if (IDENTITY_COLUMNS.includes(column)) return true;
    if (rows.length < 2) return false;
    const first = rows[0].cells[column]?.value ?? null;
    return rows.some((row) => (row.cells[column]?.value ?? null) !== first);
  });
}
