// How a cell reads: accuracies as percentages, a seed group's figure as mean ± std (n), other numbers
// with up to four significant decimals, empty as "–".

import { formatMeanStd } from '../../src/shared/format';
import type { Cell, Column } from '../../src/shared/runTable/types';

export function cellText(cell: Cell | undefined, column: Column): string {
  const v = cell?.value ?? null;
  if (v === null) return '–';
  if (typeof v !== 'number') return String(v);
  if (cell?.std !== undefined) {
    const scale = column.percent ? 100 : 1;
    const digits = column.percent ? 1 : decimals(v);
    const text = formatMeanStd(v, cell.std, { scale, digits, unit: column.percent ? '%' : '' });
    return cell.n !== undefined && cell.n > 1 ? `${text} (n=${cell.n})` : text;
  }
  if (column.percent) return `${(100 * v).toFixed(1)}%`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function decimals(v: number): number {
  if (Number.isInteger(v) || Math.abs(v) >= 100) return 1;
  return Math.min(6, Math.max(2, -Math.floor(Math.log10(Math.abs(v) || 1)) + 2));
}
