// The table as GitHub-flavoured markdown: best bold, second underlined (`<u>`, which markdown lacks).

import { cellText, columnTitle, diffText, metricText, pText, referenceTitle } from './cell-text';
import { rankTestsLine, rankText, ranksCaption } from '../../shared/rankText';
import type { CompareCell, CompareTable, RankSummary } from './types';

export function renderMarkdown(table: CompareTable): string {
  const mark = (cell: CompareCell) => {
    const text = cellText(cell);
    return cell.rank === 1 ? `**${text}**` : cell.rank === 2 ? `<u>${text}</u>` : text;
  };
  const withTests = table.reference !== null;
  const head = [
    'Method',
    ...table.columns.map(columnTitle),
    ...(withTests ? [referenceTitle(table), 'p (Holm)'] : []),
  ];
  const lines = [
    `Protocol: ${table.protocol.join('; ')}.`,
    `Cells: ${metricText(table)}.${withTests ? ` Δ: paired t-test over matching seeds on the multimodal column, two-sided, Holm-corrected across rows.` : ''}`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const row of table.rows) {
    const tests = withTests
      ? [
          row.test ? diffText(row) : row.method === table.reference ? 'reference' : (row.note ?? '–'),
          row.test ? pText(row.test.pHolm) : '–',
        ]
      : [];
    lines.push(`| ${[row.label, ...table.columns.map((c) => mark(row.cells[c])), ...tests].join(' | ')} |`);
  }
  const unfair = table.rows.filter((r) => r.mismatch !== null);
  if (unfair.length > 0) {
    lines.push('', 'Not ranked, not tested:');
    for (const row of unfair) lines.push(`- ${row.label}: ${row.mismatch}`);
  }
  return lines.join('\n') + '\n';
}

/** The ranks across datasets: method and average rank, then the tests in one line and who was left out. */
export function renderRanksMarkdown(ranks: RankSummary): string {
  const lines = [
    ranksCaption(ranks),
    '',
    '| Method | Average rank |',
    '| --- | ---: |',
    ...ranks.methods.map((m) => `| ${m.method} | ${rankText(m.averageRank)} |`),
    '',
    `${rankTestsLine(ranks)}.`,
  ];
  if (ranks.leftOut.length > 0) lines.push('', `Not ranked: ${ranks.leftOut.join('; ')}.`);
  return lines.join('\n') + '\n';
}
