// The table as a LaTeX `booktabs` table (\toprule, \midrule, \bottomrule): best bold (\mathbf), second \underline.

import { formatMeanStd } from '../../shared/format';
import { columnTitle, diffText, metricText, pText, referenceTitle } from './cell-text';
import { rankText, ranksCaption, statText } from '../../shared/rankText';
import type { CompareCell, CompareTable, RankSummary } from './types';

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
    `\\caption{${escapeLatex(`${table.dataset === undefined ? '' : `${table.dataset}: `}${metricText(table).replace(' (n)', '')}, n = ${n}. ${table.protocol.join('; ')}.`).replace('±', '$\\pm$')}}`,
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

/** The ranks across datasets as a second booktabs table, the tests in its caption. */
export function renderRanksLatex(ranks: RankSummary): string {
  const { friedman: fr, imanDavenport: id, nemenyi: ne } = ranks;
  const p = (v: number) => (v < 0.001 ? '$p < 0.001$' : `$p = ${pText(v)}$`);
  const k = ranks.methods.length;
  const n = ranks.datasets.length;
  const nemenyi =
    ne.cd === null
      ? `no Nemenyi CD for ${k} methods (its table stops at 10)`
      : `Nemenyi CD $= ${statText(ne.cd)}$ ($\\alpha = ${ne.alpha}$, ${k} methods, ${n} datasets); not significantly different: ${ranks.groups.map((g) => `\\{${g.map(escapeLatex).join(', ')}\\}`).join(', ')}`;
  const f = Number.isFinite(id.f) ? statText(id.f) : '\\infty';
  const caption =
    `${escapeLatex(ranksCaption(ranks))} Friedman $\\chi^2_F = ${statText(fr.chiSquare)}$, ${p(fr.p)}; ` +
    `Iman--Davenport $F_F = ${f}$, ${p(id.p)}; ${nemenyi}.`;
  const lines = [
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${caption}}`,
    '\\begin{tabular}{lr}',
    '\\toprule',
    'Method & Average rank \\\\',
    '\\midrule',
    ...ranks.methods.map((m) => `${escapeLatex(m.method)} & ${rankText(m.averageRank)} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{table}',
  ];
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
