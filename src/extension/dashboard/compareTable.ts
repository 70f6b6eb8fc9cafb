// The Compare view's table: the same comparison `mla compare` builds (src/core/compare), over the runs the
// view shows, with the rows of another protocol marked rather than refused (the view shows runs as they
// train), a table per dataset and the ranks across datasets where there are several, and its Markdown,
// LaTeX and CSV from the core renderers, so a copied table is the command line's.

import { buildCompareReport } from '../../core/compare/build-report';
import { renderReport } from '../../core/compare/render';
import type { CompareEpoch, CompareMetric } from '../../core/compare/types';
import type { RunInfo } from '../../core/runs/reader';
import type { CompareTableTexts, CompareTableView, RankSummaryView } from '../../protocol/dashboard';

export interface CompareTableRequest {
  metric: CompareMetric;
  epoch: CompareEpoch;
  /** null: the default (joint where a row has it). */
  reference: string | null;
}

export interface CompareTableAnswer {
  /** One per dataset; empty with an error. */
  tables: CompareTableView[];
  ranks: RankSummaryView | null;
  ranksNote: string | null;
  texts: CompareTableTexts | null;
  error: string | null;
}

const failed = (error: string): CompareTableAnswer => ({
  tables: [],
  ranks: null,
  ranksNote: null,
  texts: null,
  error,
});

export function compareTableFor(runs: readonly RunInfo[], request: CompareTableRequest): CompareTableAnswer {
  // A run without config.json facts cannot say its method or protocol: it has no row.
  const usable = runs.filter((r) => r.resolved !== null);
  if (usable.length === 0) return failed('No run of this comparison has a config.json yet.');
  const methods = new Set(usable.map((r) => r.resolved!.method as string));
  // A reference picked earlier whose runs are no longer shown falls back to the default.
  const reference =
    request.reference !== null && methods.has(request.reference) ? request.reference : undefined;
  try {
    const report = buildCompareReport(usable, {
      metric: request.metric,
      epoch: request.epoch,
      reference,
      problems: 'mark',
    });
    // What postMessage would make of it anyway (NaN, ∞ → null), done here so the view's types say so.
    const sent = JSON.parse(JSON.stringify(report)) as {
      tables: CompareTableView[];
      ranks: RankSummaryView | null;
    };
    return {
      tables: sent.tables,
      ranks: sent.ranks,
      ranksNote: report.ranksNote,
      texts: {
        markdown: renderReport(report, 'markdown'),
        latex: renderReport(report, 'latex'),
        csv: renderReport(report, 'csv'),
      },
      error: null,
    };
  } catch (error) {
    return failed((error as Error).message);
  }
}
