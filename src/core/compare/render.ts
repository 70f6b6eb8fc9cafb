// One entry for every output format of the comparison: the table, or over several datasets a table per
// dataset and the ranks across them.

import { renderCsv, renderRanksCsv, withDatasetColumn } from './render-csv';
import { renderLatex, renderRanksLatex } from './render-latex';
import { renderMarkdown, renderRanksMarkdown } from './render-markdown';
import type { CompareReport, CompareTable } from './types';

export const COMPARE_FORMATS = ['markdown', 'csv', 'latex', 'json'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export function renderTable(table: CompareTable, format: CompareFormat): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(table);
    case 'csv':
      return renderCsv(table);
    case 'latex':
      return renderLatex(table);
    case 'json':
      // Non-finite numbers (the std of one seed) become null, as JSON has no NaN.
      return JSON.stringify(table, null, 2) + '\n';
  }
}

/** One dataset: exactly its table. Several: each dataset's table, then the ranks (or why there are none). */
export function renderReport(report: CompareReport, format: CompareFormat): string {
  const { tables, ranks, ranksNote } = report;
  if (tables.length === 1) return renderTable(tables[0], format);
  const name = (t: CompareTable) => t.dataset ?? '';
  switch (format) {
    case 'markdown': {
      const parts = tables.map((t) => `## Dataset ${name(t)}\n\n${renderMarkdown(t)}`);
      parts.push(
        `## Ranks across datasets\n\n${ranks !== null ? renderRanksMarkdown(ranks) : `No ranks: ${ranksNote}.\n`}`,
      );
      return parts.join('\n');
    }
    case 'csv': {
      const parts = tables.map((t) => withDatasetColumn(renderCsv(t), name(t)));
      if (ranks !== null) parts.push(renderRanksCsv(ranks));
      return parts.join('\n');
    }
    case 'latex': {
      const parts = tables.map(renderLatex);
      parts.push(ranks !== null ? renderRanksLatex(ranks) : `% No ranks across datasets: ${ranksNote}.\n`);
      return parts.join('\n');
    }
    case 'json':
      return JSON.stringify({ tables, ranks, ranksNote }, null, 2) + '\n';
  }
}
