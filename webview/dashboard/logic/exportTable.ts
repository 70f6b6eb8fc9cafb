// The comparison table as files: CSV (every figure, one row per statistic and seed, machine-readable) and
// Markdown (the paper layout: rows = configs, columns = modalities + multimodal, mean ± std).

import { choiceLabel, FUSED, type Cell, type CompareTable } from './compare';
import { formatMeanStd } from './format';

function columnTitle(column: string): string {
  return column === FUSED ? 'multimodal (fused)' : column;
}

function splitTitle(table: CompareTable): string {
  return table.split === 'test' ? 'test' : 'validation';
}

/** RFC 4180: quote fields holding a comma, quote or line break; double the quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function fixed(v: number | null | undefined, digits: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '';
}

export function tableToCsv(table: CompareTable): string {
  const header = [
    'config',
    'method',
    'statistic',
    ...table.columns.map((c) => `${splitTitle(table)} ${columnTitle(c)} (%)`),
    'best epoch',
    'duration (s)',
  ];
  const lines = [header.map(csvField).join(',')];
  const pctOf = (v: number | null | undefined) => fixed(typeof v === 'number' ? 100 * v : v, 2);
  for (const row of table.rows) {
    const emit = (statistic: string, pick: (c: Cell) => number | null, asPct = true) =>
      lines.push(
        [
          row.name,
          row.method,
          statistic,
          ...table.columns.map((c) => (asPct ? pctOf(pick(row.cells[c])) : '')),
          fixed(pick(row.bestEpoch), statistic.startsWith('seed') ? 0 : 2),
          fixed(pick(row.duration), 1),
        ]
          .map(csvField)
          .join(','),
      );
    emit('mean', (c) => c.mean);
    emit('std', (c) => c.std);
    // How many seeds each figure is over (a seed without the chosen epoch is not counted).
    lines.push(
      [
        row.name,
        row.method,
        'n',
        ...table.columns.map((c) => String(row.cells[c].n)),
        String(row.bestEpoch.n),
        String(row.duration.n),
      ]
        .map(csvField)
        .join(','),
    );
    const seeds = row.cells[table.columns[0]]?.values ?? [];
    seeds.forEach((s, i) => emit(`seed ${s.seed ?? s.runId}`, (c) => c.values[i]?.value ?? null));
  }
  return lines.join('\n') + '\n';
}

function mdEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function tableToMarkdown(table: CompareTable): string {
  const header = ['method', ...table.columns.map(columnTitle), 'best epoch', 'duration (s)'];
  const lines = [`| ${header.map(mdEscape).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of table.rows) {
    const plain = (c: Cell) => formatMeanStd(c.mean, c.std, { scale: 1 });
    const cells = [
      `${row.name} (${row.method}${row.running > 0 ? `, ${row.running} running` : ''})`,
      ...table.columns.map(
        (c) => `${formatMeanStd(row.cells[c].mean, row.cells[c].std)} (n=${row.cells[c].n})`,
      ),
      plain(row.bestEpoch),
      plain(row.duration),
    ];
    lines.push(`| ${cells.map(mdEscape).join(' | ')} |`);
  }
  const seeds = Math.max(0, ...table.rows.map((r) => r.cells[FUSED]?.n ?? 0));
  lines.push(
    '',
    `${splitTitle(table)[0].toUpperCase()}${splitTitle(table).slice(1)} accuracy (%) ${choiceLabel(table.choice)}, mean ± std over ${seeds} seed${seeds === 1 ? '' : 's'}.`,
  );
  return lines.join('\n') + '\n';
}
