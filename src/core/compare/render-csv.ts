// The table as CSV for spreadsheets and plotting scripts: raw fractions, not formatted text.

import type { CompareTable } from './types';

export function renderCsv(table: CompareTable): string {
  const head = ['config', 'method', 'seeds'];
  for (const c of table.columns) head.push(`${c}_mean`, `${c}_std`, `${c}_n`);
  head.push('reference', 'diff', 'ci_low', 'ci_high', 't', 'df', 'p', 'p_holm', 'note');
  const lines = [head.map(csvField).join(',')];
  for (const row of table.rows) {
    const fields: (string | number)[] = [row.config, row.method, row.seeds.join(' ')];
    for (const c of table.columns) fields.push(num(row.cells[c].mean), num(row.cells[c].std), row.cells[c].n);
    const t = row.test;
    fields.push(
      table.reference ?? '',
      ...(t
        ? [t.meanDiff, t.ciLow, t.ciHigh, t.t, t.df, t.p, t.pHolm].map(num)
        : ['', '', '', '', '', '', '']),
      row.note ?? '',
    );
    lines.push(fields.map((f) => csvField(String(f))).join(','));
  }
  return lines.join('\n') + '\n';
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
