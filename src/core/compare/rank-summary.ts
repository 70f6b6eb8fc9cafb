// The methods ranked across datasets (Demšar 2006): on each dataset the methods' multimodal means ranked,
// the ranks averaged, Friedman's test and Iman–Davenport's F that they differ at all, Nemenyi's critical
// difference, and the groups of methods it cannot tell apart.

import { friedmanTest, imanDavenportTest } from './friedman';
import { nemenyiTest, notDifferentRuns } from './nemenyi';
import { ranksHighestFirst } from './rank-values';
import { FUSED, type CompareRow, type CompareTable, type MethodRanks, type RankSummary } from './types';

export interface RankSummaryAnswer {
  ranks: RankSummary | null;
  /** Over two or more datasets without ranks: why. */
  note: string | null;
}

/** `tables`: one per dataset, named by `dataset`. Fewer than two tables: no summary and nothing to say. */
export function rankSummary(tables: readonly CompareTable[]): RankSummaryAnswer {
  if (tables.length < 2) return { ranks: null, note: null };
  const datasets = tables.map((t, i) => t.dataset ?? `dataset ${i + 1}`);
  // Per dataset, each method's row: only rows that share the dataset's protocol and have a figure compete.
  const byDataset: Map<string, CompareRow>[] = [];
  for (const [i, table] of tables.entries()) {
    const rows = new Map<string, CompareRow>();
    for (const row of table.rows) {
      if (row.mismatch !== null || !Number.isFinite(row.cells[FUSED]?.mean)) continue;
      const other = rows.get(row.method);
      if (other) {
        return {
          ranks: null,
          note: `${datasets[i]} has two rows of method ${row.method} (${other.config}, ${row.config}): ranks across datasets take one row per method and dataset`,
        };
      }
      rows.set(row.method, row);
    }
    byDataset.push(rows);
  }
  const seen = [...new Set(byDataset.flatMap((rows) => [...rows.keys()]))];
  const leftOut: string[] = [];
  const kept = seen.filter((method) => {
    const lacking = datasets.filter((_, d) => !byDataset[d].has(method));
    if (lacking.length > 0) leftOut.push(`${method}: no ranked row on ${lacking.join(', ')}`);
    return lacking.length === 0;
  });
  if (kept.length < 2) {
    const why = leftOut.length > 0 ? ` (${leftOut.join('; ')})` : '';
    return { ranks: null, note: `fewer than two methods have a ranked row on every dataset${why}` };
  }

  const scores = byDataset.map((rows) => kept.map((m) => rows.get(m)!.cells[FUSED].mean));
  const ranks = scores.map(ranksHighestFirst);
  const n = datasets.length;
  const methods: MethodRanks[] = kept.map((method, j) => {
    const own = ranks.map((r) => r[j]);
    return {
      method,
      scores: scores.map((s) => s[j]),
      ranks: own,
      averageRank: own.reduce((a, b) => a + b, 0) / n,
    };
  });
  // Stable: methods of equal average rank keep the order they came in.
  methods.sort((a, b) => a.averageRank - b.averageRank);
  const friedman = friedmanTest(
    methods.map((m) => m.averageRank),
    n,
  );
  const nemenyi = nemenyiTest(methods.length, n);
  const groups =
    nemenyi.cd === null
      ? []
      : notDifferentRuns(
          methods.map((m) => m.averageRank),
          nemenyi.cd,
        ).map(([first, last]) => methods.slice(first, last + 1).map((m) => m.method));
  return {
    ranks: {
      datasets,
      methods,
      friedman,
      imanDavenport: imanDavenportTest(friedman, n),
      nemenyi,
      groups,
      leftOut,
    },
    note: null,
  };
}
