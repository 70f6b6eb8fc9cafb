// The Compare view's reading of the table the host builds with `mla compare`'s code: what each cell says
// and what its hover adds (each seed's value; the row's paired t-test against the reference, its Holm p and
// 95 % interval), and the request that asks for the table at the person's split, epoch and reference, over the configs
// not removed.

import type { CompareTableView } from '../../../src/protocol/dashboard';
import type { EpochChoice, Split } from './compare';
import { formatMeanStd } from './format';

export type TableRowView = CompareTableView['rows'][number];
export type TableCellView = TableRowView['cells'][string];

export interface TableRequest {
  metric: Split;
  epoch: 'best' | 'last' | number;
  reference: string | null;
  removed: string[];
}

export function tableRequest(compare: {
  choice: EpochChoice;
  split: Split;
  reference: string | null;
  removed: string[];
}): TableRequest {
  const { choice } = compare;
  return {
    metric: compare.split,
    epoch: choice.kind === 'epoch' ? choice.epoch : choice.kind,
    reference: compare.reference,
    removed: [...compare.removed],
  };
}

const finite = (v: number | null): v is number => typeof v === 'number' && Number.isFinite(v);
const pp = (v: number | null) => (finite(v) ? (100 * v).toFixed(1) : '–');

/** `94.7 ± 2.1`: the mean ± sample std in percent; `–` for a cell without values. */
export function cellMeanStd(cell: TableCellView): string {
  return formatMeanStd(cell.mean ?? NaN, cell.std ?? NaN);
}

/**
 * `s0 93.0 · s1 94.0 (running) · s2 97.0`: each seed's value, the row's seeds in order; a seed whose run
 * folder is in `running` still trains, its value moves.
 */
export function seedValues(
  row: TableRowView,
  column: string,
  running: ReadonlySet<string> = new Set(),
): string {
  const values = row.cells[column].values;
  return row.seeds
    .map((s, i) => `s${s} ${pp(values[i] ?? null)}${running.has(row.runDirs[i]) ? ' (running)' : ''}`)
    .join(' · ');
}

/** The class of a cell's mark: bold for the best of its column, underlined for the second. */
export function rankClass(cell: TableCellView): string {
  return cell.rank === 1 ? 'rank-best' : cell.rank === 2 ? 'rank-second' : '';
}

export function pText(p: number | null): string {
  return !finite(p) ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** The Δ column: `+2.7 [1.2, 4.1]` (percentage points, 95 % CI), `reference`, or why the row has no test. */
export function diffText(table: CompareTableView, row: TableRowView): string {
  const t = row.test;
  if (t === null) return row.method === table.reference ? 'reference' : (row.note ?? '–');
  const sign = finite(t.meanDiff) && t.meanDiff >= 0 ? '+' : '';
  return `${sign}${pp(t.meanDiff)} [${pp(t.ciLow)}, ${pp(t.ciHigh)}]`;
}

/** What the row's test says, in words, for the hover of each of its cells. */
export function testSummary(table: CompareTableView, row: TableRowView): string {
  if (row.mismatch !== null) return `Not ranked, not tested: ${row.mismatch}.`;
  const t = row.test;
  if (t === null) {
    if (row.method === table.reference) return 'The reference: every other row is tested against it.';
    return row.note === null ? 'No test.' : `No test: ${row.note}.`;
  }
  // Every seed moved by the same amount: no spread, t is infinite (JSON carries it as null).
  const tValue = finite(t.t) ? t.t.toFixed(2) : (t.meanDiff ?? 0) < 0 ? '−∞' : '∞';
  return [
    `Multimodal vs ${table.reference}: Δ ${diffText(table, row).replace(' [', ' pp, 95% CI [')}`,
    `paired t(${t.df ?? '?'}) = ${tValue} over seeds ${row.seeds.join(', ')}`,
    `p = ${pText(t.p)}, Holm-corrected p = ${pText(t.pHolm)}`,
  ].join('\n');
}

/** The hover of one cell: its seeds' values, n, then the row's test. */
export function cellTitle(table: CompareTableView, row: TableRowView, column: string): string {
  const cell = row.cells[column];
  const values = cell.n === 0 ? 'No values.' : `n = ${cell.n}: ${seedValues(row, column)}`;
  return `${values}\n${testSummary(table, row)}`;
}

/** The methods a row has: the choices of the reference selector. */
export function referenceChoices(table: CompareTableView): string[] {
  return [...new Set(table.rows.map((r) => r.method))];
}
