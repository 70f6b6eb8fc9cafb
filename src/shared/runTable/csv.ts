// The table as shown (rows in their order, the chosen columns) as CSV. Figures are written as stored
// (accuracies as fractions, full precision), not as the cells round them; a seed group's summary figure
// gets a `std` and an `n` column beside its mean.

import { toCsv, type CsvValue } from '../csv';
import { columnTitle } from './columns';
import type { Column, RowMode, TableRow } from './types';

export function tableCsv(rows: readonly TableRow[], columns: readonly Column[], mode: RowMode): string {
  const spread = (c: Column) => mode === 'group' && c.source === 'metric';
  const header: string[] = [];
  for (const c of columns) {
    const title = columnTitle(c);
    header.push(title);
    if (spread(c)) header.push(`${title} std`, `${title} n`);
  }
  const records = rows.map((row) => {
    const out: CsvValue[] = [];
    for (const c of columns) {
      const cell = row.cells[c.id];
      out.push(cell?.value ?? null);
      if (spread(c)) out.push(Number.isFinite(cell?.std) ? (cell?.std ?? null) : null, cell?.n ?? 0);
    }
    return out;
  });
  return toCsv(header, records);
}
