// The table as CSV for spreadsheets and plotting scripts: raw fractions, not formatted text.

import { groupsText } from '../../shared/rankText';
import type { CompareTable, RankSummary } from './types';

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

/**
 * The ranks across datasets as two sections: per method its average rank, rank and score on each dataset;
 * then the tests as `statistic,value` lines.
 */
export function renderRanksCsv(ranks: RankSummary): string {
  const head = [
    'method',
    'average_rank',
    ...ranks.datasets.map((d) => `rank_${d}`),
    ...ranks.datasets.map((d) => `fused_mean_${d}`),
  ];
  const lines = [head.map(csvField).join(',')];
  for (const m of ranks.methods) {
    lines.push(
      [m.method, num(m.averageRank), ...m.ranks.map(num), ...m.scores.map(num)].map(csvField).join(','),
    );
  }
  const { friedman: fr, imanDavenport: id, nemenyi: ne } = ranks;
  const stats: [string, string | number][] = [
    ['friedman_chi2', num(fr.chiSquare)],
    ['friedman_df', fr.df],
    ['friedman_p', num(fr.p)],
    ['iman_davenport_f', Number.isFinite(id.f) ? String(id.f) : 'Infinity'],
    ['iman_davenport_df1', id.df1],
    ['iman_davenport_df2', id.df2],
    ['iman_davenport_p', num(id.p)],
    ['nemenyi_alpha', ne.alpha],
    ['nemenyi_q', ne.q === null ? '' : ne.q],
    ['nemenyi_cd', ne.cd === null ? '' : num(ne.cd)],
    ['methods', ranks.methods.length],
    ['datasets', ranks.datasets.length],
    ['groups', groupsText(ranks)],
    ['left_out', ranks.leftOut.join('; ')],
  ];
  lines.push('', 'statistic,value', ...stats.map(([k, v]) => `${k},${csvField(String(v))}`));
  return lines.join('\n') + '\n';
}

/** The table's lines with a first column naming its dataset, for a CSV of several datasets. */
export function withDatasetColumn(csv: string, dataset: string): string {
  const [head, ...rows] = csv.trimEnd().split('\n');
  return [`dataset,${head}`, ...rows.map((r) => `${csvField(dataset)},${r}`)].join('\n') + '\n';
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
