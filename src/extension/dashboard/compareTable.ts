// The Compare view's table: the same table `mla compare` builds (src/core/compare), over the runs the view
// shows, with the rows of another protocol marked rather than refused (the view shows runs as they train),
// and its Markdown, LaTeX and CSV from the core renderers, so a copied table is the command line's.

import { buildCompareTable } from '../../core/compare/build-table';
import { renderCsv } from '../../core/compare/render-csv';
import { renderLatex } from '../../core/compare/render-latex';
import { renderMarkdown } from '../../core/compare/render-markdown';
import type { CompareEpoch, CompareMetric } from '../../core/compare/types';
import type { RunInfo } from '../../core/runs/reader';
import type { CompareTableTexts, CompareTableView } from '../../protocol/dashboard';

export interface CompareTableRequest {
  metric: CompareMetric;
  epoch: CompareEpoch;
  /** null: the default (joint where a row has it). */
  reference: string | null;
}

export interface CompareTableAnswer {
  table: CompareTableView | null;
  texts: CompareTableTexts | null;
  error: string | null;
}

export function compareTableFor(runs: readonly RunInfo[], request: CompareTableRequest): CompareTableAnswer {
  // A run without config.json facts cannot say its method or protocol: it has no row.
  const usable = runs.filter((r) => r.resolved !== null);
  if (usable.length === 0)
    return { table: null, texts: null, error: 'No run of this comparison has a config.json yet.' };
  const methods = new Set(usable.map((r) => r.resolved!.method as string));
  // A reference picked earlier whose runs are no longer shown falls back to the default.
  const reference =
    request.reference !== null && methods.has(request.reference) ? request.reference : undefined;
  try {
    const table = buildCompareTable(usable, {
      metric: request.metric,
      epoch: request.epoch,
      reference,
      problems: 'mark',
    });
    return {
      // What postMessage would make of it anyway (NaN → null), done here so the view's type says so.
      table: JSON.parse(JSON.stringify(table)) as CompareTableView,
      texts: { markdown: renderMarkdown(table), latex: renderLatex(table), csv: renderCsv(table) },
      error: null,
    };
  } catch (error) {
    return { table: null, texts: null, error: (error as Error).message };
  }
}
