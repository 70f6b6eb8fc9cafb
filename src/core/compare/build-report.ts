// Runs → the comparison: one table per dataset (each its own protocol, reference and tests, as if compared
// alone), and over two or more datasets the methods' ranks across them. One dataset gives exactly the table
// `buildCompareTable` builds.

import type { RunInfo } from '../runs/reader';
import { buildCompareTable } from './build-table';
import { groupByDataset, sameDataPairs } from './datasets';
import { rankSummary } from './rank-summary';
import type { CompareOptions, CompareReport, CompareTable } from './types';

export function buildCompareReport(runs: readonly RunInfo[], options: CompareOptions): CompareReport {
  if (runs.length === 0) throw new Error('no runs to compare');
  const datasets = groupByDataset(runs);
  if (datasets.length === 1)
    return { tables: [buildCompareTable(runs, options)], ranks: null, ranksNote: null };
  const tables = datasets.map(({ name, runs: own }): CompareTable => {
    const methods = [...new Set(own.map((r) => r.resolved!.method as string))];
    let reference = options.reference;
    if (reference !== undefined && !methods.includes(reference)) {
      if (options.problems !== 'mark') {
        throw new Error(
          `--reference ${reference}: no row of dataset ${name} has this method (its rows: ${methods.join(', ')})`,
        );
      }
      // The view's reference applies where it can; elsewhere the default.
      reference = undefined;
    }
    try {
      return { ...buildCompareTable(own, { ...options, reference }), dataset: name };
    } catch (error) {
      throw new Error(`dataset ${name}: ${(error as Error).message}`);
    }
  });
  const same = sameDataPairs(datasets);
  if (same.length > 0) {
    return {
      tables,
      ranks: null,
      ranksNote: `${same.join('; ')} hold the same data (equal data hashes): ranks across datasets would count it twice`,
    };
  }
  const { ranks, note } = rankSummary(tables);
  return { tables, ranks, ranksNote: note };
}
