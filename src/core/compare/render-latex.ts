// The table as a LaTeX `booktabs` table (\toprule, \midrule, \bottomrule): best bold (\mathbf), second \underline.

import { formatMeanStd } from '../../shared/format';
import { columnTitle, diffText, metricText, pText, referenceTitle } from './cell-text';
import type { CompareCell, CompareTable } from './types';

export function renderLatex(table: CompareTable): string {
  const cell = (c: CompareCell) => {
    if (c.n === 0) return '--';
    const math = formatMeanStd(c.mean, c.std).replace('±', '\\pm');
    // \textbf does not reach inside math mode: bold figures need \mathbf.
    return c.rank === 1 ? `$\\mathbf{${math}}$` : c.rank === 2 ? `\\underline{$${math}$}` : `$${math}$`;
  };
  const withTests = table.reference !== null;
  const head = [
    'Method',
    ...table.columns.map((c) => escapeLatex(columnTitle(c))),
    ...(withTests ? [escapeLatex(referenceTitle(table)).replace('Δ', '$\\Delta$'), '$p$ (Holm)'] : []),
  ];
  const n = [...new Set(table.rows.flatMap((r) => table.columns.map((c) => r.cells[c].n)))].join('/');
  const lines = [
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${escapeLatex(`${metricText(table).replace(' (n)', '')}, n = ${n}. ${table.protocol.join('; ')}.`).replace('±', '$\\pm$')}}`,
    `\\begin{tabular}{l${'r'.repeat(head.length - 1)}}`,
    '\\toprule',
    `${head.join(' & ')} \\\\`,
    '\\midrule',
  ];
  for (const row of table.rows) {
    const tests = withTests
      ? [
          row.test ? escapeLatex(diffText(row)) : row.method === table.reference ? 'reference' : '--',
          row.test ? escapeLatex(pText(row.test.pHolm)) : '--',
        ]
      : [];
    // A row held to another protocol is flagged where a reader of the paper sees it.
    const label = escapeLatex(row.mismatch === null ? row.label : `${row.label} (protocol differs)`);
    lines.push(`${[label, ...table.columns.map((c) => cell(row.cells[c])), ...tests].join(' & ')} \\\\`);
  }
  lines.push('\\bottomrule', '\\end{tabular}', '\\end{table}');
  return lines.join('\n') + '\n';
}

export function escapeLatex(text: string): string {
  return text.replace(/[\\&%$#_{}~^<]/g, (ch) => {
    switch (ch) {
      case '\\':
        return '\\textbackslash{}';
      case '~':
        return '\\textasciitilde{}';
      case '^':
        return '\\textasciicircum{}';
      case '<':
        return '\\textless{}';
      default:
        return `\\${ch}`;
    }
  });
}
