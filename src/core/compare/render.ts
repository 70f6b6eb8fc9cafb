// One entry for every output format of the comparison table.

import { renderCsv } from './render-csv';
import { renderLatex } from './render-latex';
import { renderMarkdown } from './render-markdown';
import type { CompareTable } from './types';

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
