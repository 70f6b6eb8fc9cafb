// The seed comparison: the paper table (rows = configs, columns = modalities + multimodal; mean ± std and
// each seed's value) at a chosen epoch and split, exports, the laziness picture (per-modality curves of
// each method side by side) and one mean ± std band chart per metric.

import type { CompareGroup } from '../../../src/protocol/dashboard';
import { LineChart, type ChartSpec } from '../charts/lineChart';
import { button, el, select } from '../dom';
import {
  alignCurves,
  bandCurve,
  buildTable,
  choiceLabel,
  commonEpochs,
  FUSED,
  modalitiesOf,
  type CompareTable,
  type EpochChoice,
} from '../logic/compare';
import { tableToCsv, tableToMarkdown } from '../logic/exportTable';
import { duration, formatMeanStd } from '../logic/format';
import type { UiState } from '../logic/uiState';
import { post } from '../vscodeApi';

export class CompareView {
  private groups: CompareGroup[] = [];
  private readonly charts: { chart: LineChart; name: string }[] = [];
  private readonly controlsBox = el('div', {
    class: 'controls',
    role: 'toolbar',
    'aria-label': 'Comparison options',
  });
  private readonly tableBox = el('div', { class: 'table-box' });
  private readonly lazinessBox = el('div', { class: 'chart-grid' });
  private readonly metricsBox = el('div', { class: 'chart-grid' });

  constructor(
    private readonly root: HTMLElement,
    private readonly ui: UiState,
    private readonly persist: () => void,
  ) {
    root.replaceChildren(
      el('h1', {}, 'Compare seeds'),
      this.controlsBox,
      this.tableBox,
      el('h2', {}, 'Per-modality accuracy by method (modality laziness)'),
      el(
        'p',
        { class: 'detail' },
        'Mean over seeds, with a band of ± one standard deviation. Under joint training the weaker modalities learn little; MLA trains each in turn.',
      ),
      this.lazinessBox,
      el('h2', {}, 'Each metric across configs'),
      this.metricsBox,
    );
    root.append(el('p', { class: 'empty' }, 'Loading runs…'));
  }

  onData(groups: CompareGroup[]): void {
    this.groups = groups;
    this.root.querySelector(':scope > .empty')?.remove();
    this.render();
  }

  redraw(): void {
    this.renderCharts();
  }

  private table(): CompareTable {
    return buildTable(this.groups, this.ui.compare.choice, this.ui.compare.split);
  }

  private render(): void {
    this.renderControls();
    this.renderTable();
    this.renderCharts();
  }

  private renderControls(): void {
    const choice = this.ui.compare.choice;
    const epochs = commonEpochs(this.groups);
    const options = [
      { value: 'best', label: 'Best validation epoch' },
      { value: 'last', label: 'Last epoch' },
      ...epochs.map((e) => ({ value: `epoch:${e}`, label: `Epoch ${e}` })),
    ];
    const current = choice.kind === 'epoch' ? `epoch:${choice.epoch}` : choice.kind;
    this.controlsBox.replaceChildren(
      select(
        'Epoch',
        options,
        current,
        (v) => {
          const next: EpochChoice =
            v === 'best' || v === 'last'
              ? { kind: v }
              : { kind: 'epoch', epoch: Number(v.slice('epoch:'.length)) };
          this.ui.compare.choice = next;
          this.persist();
          this.renderTable();
        },
        { 'data-control': 'epoch' },
      ),
      select(
        'Split',
        [
          { value: 'test', label: 'Test' },
          { value: 'val', label: 'Validation' },
        ],
        this.ui.compare.split,
        (v) => {
          this.ui.compare.split = v === 'val' ? 'val' : 'test';
          this.persist();
          this.render();
        },
        { 'data-control': 'split' },
      ),
      button('Copy Markdown', () => this.export('markdown', 'copy'), { 'data-control': 'copy-markdown' }),
      button('Save CSV…', () => this.export('csv', 'save'), { secondary: '', 'data-control': 'save-csv' }),
      button('Save Markdown…', () => this.export('markdown', 'save'), {
        secondary: '',
        'data-control': 'save-markdown',
      }),
    );
  }

  private export(format: 'csv' | 'markdown', action: 'save' | 'copy'): void {
    const table = this.table();
    const content = format === 'csv' ? tableToCsv(table) : tableToMarkdown(table);
    const base = (this.groups[0]?.name ?? 'runs').replace(/[^A-Za-z0-9._ -]/g, '-');
    post({
      type: 'exportText',
      format,
      action,
      fileName: `${base}-compare-${table.split}.${format === 'csv' ? 'csv' : 'md'}`,
      content,
    });
  }

  private renderTable(): void {
    const t = this.table();
    const split = t.split === 'test' ? 'Test' : 'Validation';
    const table = el('table', { class: 'paper-table', 'data-split': t.split });
    table.append(
      el(
        'caption',
        {},
        `${split} accuracy (%) ${choiceLabel(t.choice)}: mean ± std over seeds, each seed's value below.`,
      ),
    );
    const head = el('tr');
    for (const h of [
      'method',
      ...t.columns.map((c) => (c === FUSED ? 'multimodal' : c)),
      'best epoch',
      'duration',
    ])
      head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const row of t.rows) {
      const tr = el('tr', { 'data-group': row.name, class: row.primary ? 'primary' : 'peer' });
      tr.append(
        el(
          'th',
          { scope: 'row' },
          el('span', { class: 'row-name' }, row.name),
          el('span', { class: 'row-sub' }, `${row.method} · ${row.cells[FUSED].values.length} seed(s)`),
        ),
      );
      for (const c of t.columns) {
        const cell = row.cells[c];
        const seeds = cell.values
          .map((v) => `s${v.seed ?? '?'} ${v.value === null ? '–' : (100 * v.value).toFixed(1)}`)
          .join(' · ');
        tr.append(
          el(
            'td',
            { 'data-column': c, 'data-mean': String(cell.mean), 'data-std': String(cell.std) },
            el('span', { class: 'mean-std' }, formatMeanStd(cell.mean, cell.std)),
            el('span', { class: 'seeds' }, seeds),
          ),
        );
      }
      const be = row.bestEpoch;
      tr.append(
        el(
          'td',
          { 'data-column': 'bestEpoch' },
          el('span', { class: 'mean-std' }, Number.isFinite(be.mean) ? be.mean.toFixed(1) : '–'),
          el(
            'span',
            { class: 'seeds' },
            be.values.map((v) => `s${v.seed ?? '?'} ${v.value ?? '–'}`).join(' · '),
          ),
        ),
        el(
          'td',
          { 'data-column': 'duration' },
          el('span', { class: 'mean-std' }, duration(row.duration.mean)),
          el(
            'span',
            { class: 'seeds' },
            row.duration.values.map((v) => `s${v.seed ?? '?'} ${duration(v.value)}`).join(' · '),
          ),
        ),
      );
      body.append(tr);
    }
    table.append(body);
    const missing = t.rows.flatMap((r) =>
      r.cells[FUSED].values.filter((v) => v.value === null).map((v) => `${r.name} s${v.seed ?? '?'}`),
    );
    this.tableBox.replaceChildren(
      el('div', { class: 'table-scroll' }, table),
      ...(missing.length > 0
        ? [
            el(
              'p',
              { class: 'detail' },
              `No figures ${choiceLabel(t.choice)} for ${missing.join(', ')} (not reached or still running).`,
            ),
          ]
        : []),
    );
  }

  private renderCharts(): void {
    for (const c of this.charts) c.chart.destroy();
    this.charts.length = 0;
    const split = this.ui.compare.split;
    const splitName = split === 'test' ? 'test' : 'validation';
    const modalities = modalitiesOf(this.groups);
    const columns = [...modalities, FUSED];
    // Laziness: one chart per method, lines = modalities (+ fused) with bands.
    this.lazinessBox.replaceChildren();
    for (const g of this.groups) {
      const curves = columns.map((c) => bandCurve(g, split, c));
      const { x, ys } = alignCurves(curves.map((c) => ({ x: c.x, ys: [c.mean, c.hi, c.lo] })));
      const spec: ChartSpec = {
        title: `${g.name} (${g.method}): ${splitName} accuracy per modality`,
        percent: true,
        lines: columns.flatMap((c, i) => [
          { label: c === FUSED ? 'fused' : c, colorIndex: c === FUSED ? -1 : i, bold: c === FUSED },
          { label: `${c} +std`, colorIndex: c === FUSED ? -1 : i, bandEdge: true },
          { label: `${c} −std`, colorIndex: c === FUSED ? -1 : i, bandEdge: true },
        ]),
        bands: columns.map((_, i) => [3 * i + 1, 3 * i + 2] as [number, number]),
        syncKey: 'compare-laziness',
      };
      this.addChart(this.lazinessBox, spec, [x, ...ys], `${g.name}-laziness`);
    }
    // Per metric: one chart per column, lines = groups.
    this.metricsBox.replaceChildren();
    for (const c of columns) {
      const curves = this.groups.map((g) => bandCurve(g, split, c));
      const { x, ys } = alignCurves(curves.map((cv) => ({ x: cv.x, ys: [cv.mean, cv.hi, cv.lo] })));
      const spec: ChartSpec = {
        title: `${c === FUSED ? 'Multimodal (fused)' : c}: ${splitName} accuracy`,
        percent: true,
        lines: this.groups.flatMap((g, i) => [
          { label: `${g.name}`, colorIndex: i },
          { label: `${g.name} +std`, colorIndex: i, bandEdge: true },
          { label: `${g.name} −std`, colorIndex: i, bandEdge: true },
        ]),
        bands: this.groups.map((_, i) => [3 * i + 1, 3 * i + 2] as [number, number]),
        syncKey: 'compare-metrics',
      };
      this.addChart(this.metricsBox, spec, [x, ...ys], `${c}-${split}`);
    }
  }

  private addChart(parent: HTMLElement, spec: ChartSpec, data: (number | null)[][], name: string): void {
    const box = el('div', { class: 'chart-box' });
    const fileName = `${name}.png`.replace(/[^A-Za-z0-9._ -]/g, '-');
    const entry = { chart: null as LineChart | null };
    const png = button(
      'PNG',
      () => entry.chart && post({ type: 'exportPng', fileName, dataUrl: entry.chart.toPng() }),
      {
        secondary: '',
        'aria-label': `Save the chart "${spec.title}" as PNG`,
        title: 'Save as PNG',
        class: 'png-button',
      },
    );
    parent.append(
      el(
        'figure',
        { class: 'chart-figure' },
        el('div', { class: 'chart-head' }, el('h3', { class: 'chart-title' }, spec.title), png),
        box,
      ),
    );
    entry.chart = new LineChart(box, spec, data);
    this.charts.push({ chart: entry.chart, name });
  }
}
