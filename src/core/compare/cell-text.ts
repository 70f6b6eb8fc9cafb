// The words and figures every text format shares, so markdown, LaTeX and CSV say the same thing.

import { formatMeanStd } from '../../shared/format';
import type { CompareCell, CompareRow, CompareTable } from './types';
import { FUSED } from './types';

export function cellText(cell: CompareCell): string {
  return cell.n === 0 ? '–' : `${formatMeanStd(cell.mean, cell.std)} (n=${cell.n})`;
}

export function columnTitle(column: string): string {
  return column === FUSED ? 'Multimodal' : column;
}

/** `+3.1 [1.2, 5.0]` in percentage points. */
export function diffText(row: CompareRow): string {
  if (row.test === null) return '–';
  const pp = (v: number) => (100 * v).toFixed(1);
  const sign = row.test.meanDiff >= 0 ? '+' : '';
  return `${sign}${pp(row.test.meanDiff)} [${pp(row.test.ciLow)}, ${pp(row.test.ciHigh)}]`;
}

/** `0.031`, `<0.001`. */
export { pText } from '../../shared/rankText';

export function metricText(table: CompareTable): string {
  if (table.cellsText !== undefined) return table.cellsText;
  const split = table.metric === 'test' ? 'test' : 'validation';
  const at =
    table.epoch === 'best'
      ? 'the best validation epoch'
      : table.epoch === 'last'
        ? 'the last epoch'
        : `epoch ${table.epoch}`;
  return `${split} accuracy (%) at ${at}, mean ± sample std over seeds (n)`;
}

export function referenceTitle(table: CompareTable): string {
  return `Δ vs ${table.reference ?? '–'} (95% CI)`;
}
