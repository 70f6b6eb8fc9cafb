// The comparison: the table `mla compare` builds (rows = configs and methods, columns = modalities +
// multimodal; mean ± std with n, best bold, second underlined, rows of another protocol in red with the
// reason, the paired t-test against a reference on hover), built by the host with the command line's code
// at the split, epoch and reference chosen here; its exports (the core renderers' Markdown, LaTeX, CSV);
// the laziness picture (per-modality curves of each method side by side) and one band chart per metric.

import type {
  CompareGroup,
  CompareTableTexts,
  CompareTableView,
  ExportFormat,
} from '../../../src/protocol/dashboard';
import { LineChart, type ChartSpec } from '../charts/lineChart';
import { button, el, select } from '../dom';
import {
  alignCurves,
  bandCurve,
  choiceLabel,
  commonEpochs,
  FUSED,
  modalitiesOf,
  type EpochChoice,
} from '../logic/compare';
import {
  cellMeanStd,
  cellTitle,
  diffText,
  pText,
  rankClass,
  referenceChoices,
  seedValues,
  tableRequest,
  testSummary,
} from '../logic/compareTable';
import { isCurrentAnswer } from '../logic/requests';
import type { UiState } from '../logic/uiState';
import { nextRequestId, post } from '../vscodeApi';

const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', markdown: 'md', latex: 'tex' };

export class CompareView {
  private groups: CompareGroup[] = [];
  private table: CompareTableView | null = null;
  private texts: CompareTableTexts | null = null;
  private tableError: string | null = null;
  /** The latest `requestCompareTable`: answers to earlier ones are not shown. */
  private requestId = 0;
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
      el('h1', {}, 'Compare'),
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
    this.requestTable();
  }

  onData(groups: CompareGroup[]): void {
    this.groups = groups;
    this.root.querySelector(':scope > .empty')?.remove();
    this.render();
  }

  /** `requestId`: the request this answers, or null when the host re-sent the table for changed runs. */
  onTable(
    requestId: number | null,
    table: CompareTableView | null,
    texts: CompareTableTexts | null,
    error: string | null,
  ): void {
    if (!isCurrentAnswer(requestId, this.requestId)) return;
    this.table = table;
    this.texts = texts;
    this.tableError = error;
    this.renderControls();
    this.renderTable();
  }

  redraw(): void {
    this.renderCharts();
  }

  private requestTable(): void {
    this.requestId = nextRequestId();
    post({ type: 'requestCompareTable', requestId: this.requestId, ...tableRequest(this.ui.compare) });
  }

  private changed(): void {
    this.persist();
    this.requestTable();
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
    const methods = this.table ? referenceChoices(this.table) : [];
    const reference = this.table?.reference ?? null;
    const exportButton = (label: string, format: ExportFormat, action: 'copy' | 'save', primary: boolean) =>
      button(label, () => this.export(format, action), {
        ...(primary ? {} : { secondary: '' }),
        'data-control': `${action}-${format}`,
        ...(this.texts ? {} : { disabled: '' }),
      });
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
          this.changed();
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
          this.changed();
          this.renderCharts();
        },
        { 'data-control': 'split' },
      ),
      ...(methods.length > 1
        ? [
            select(
              'Reference',
              [
                // Without joint among the rows there is no default reference: the person picks one.
                ...(reference === null ? [{ value: '', label: '(none)' }] : []),
                ...methods.map((m) => ({ value: m, label: m })),
              ],
              reference ?? '',
              (v) => {
                this.ui.compare.reference = v === '' ? null : v;
                this.changed();
              },
              { 'data-control': 'reference' },
            ),
          ]
        : []),
      exportButton('Copy Markdown', 'markdown', 'copy', true),
      exportButton('Copy LaTeX', 'latex', 'copy', true),
      exportButton('Export CSV…', 'csv', 'save', false),
      exportButton('Save Markdown…', 'markdown', 'save', false),
      exportButton('Save LaTeX…', 'latex', 'save', false),
    );
  }

  private export(format: ExportFormat, action: 'save' | 'copy'): void {
    if (!this.texts) return;
    const base = (this.groups[0]?.name ?? 'runs').replace(/[^A-Za-z0-9._ -]/g, '-');
    post({
      type: 'exportText',
      format,
      action,
      fileName: `${base}-compare-${this.ui.compare.split}.${EXTENSIONS[format]}`,
      content: this.texts[format],
    });
  }

  private renderTable(): void {
    const t = this.table;
    if (!t) {
      this.tableBox.replaceChildren(
        el(
          'p',
          { class: this.tableError ? 'notice notice-error' : 'empty' },
          this.tableError ?? 'Building the table…',
        ),
      );
      return;
    }
    const primary = new Set(this.groups.filter((g) => g.primary).map((g) => g.name));
    const split = t.metric === 'test' ? 'Test' : 'Validation';
    const table = el('table', { class: 'paper-table', 'data-split': t.metric });
    table.append(
      el(
        'caption',
        {},
        `${split} accuracy (%) ${choiceLabel(this.ui.compare.choice)}: mean ± sample std over seeds, each seed's value below; best bold, second underlined.` +
          (t.reference === null
            ? ''
            : ` Δ: the multimodal column against ${t.reference}, paired t-test over matching seeds, two-sided, Holm-corrected across rows (hover a row for the test).`),
      ),
    );
    const head = el('tr');
    const titles = ['method', ...t.columns.map((c) => (c === FUSED ? 'multimodal' : c))];
    if (t.reference !== null) titles.push(`Δ vs ${t.reference} (95% CI)`, 'p (Holm)');
    for (const h of titles) head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const row of t.rows) {
      const classes = [primary.has(row.config) ? 'primary' : 'peer', row.mismatch !== null ? 'mismatch' : ''];
      const n = row.cells[FUSED]?.n ?? 0;
      const tr = el('tr', {
        'data-group': row.config,
        'data-method': row.method,
        class: classes.filter((c) => c !== '').join(' '),
      });
      const name = el(
        'th',
        { scope: 'row', title: testSummary(t, row) },
        el('span', { class: 'row-name' }, row.config),
        el('span', { class: 'row-sub' }, `${row.method} · n=${n}`),
      );
      if (row.mismatch !== null) name.append(el('span', { class: 'mismatch-reason' }, row.mismatch));
      tr.append(name);
      for (const c of t.columns) {
        const cell = row.cells[c];
        tr.append(
          el(
            'td',
            {
              'data-column': c,
              'data-mean': String(cell.mean),
              'data-std': String(cell.std),
              'data-n': String(cell.n),
              'data-rank': String(cell.rank),
              class: rankClass(cell),
              title: cellTitle(t, row, c),
            },
            el('span', { class: 'mean-std' }, cellMeanStd(cell)),
            el('span', { class: 'seeds' }, seedValues(row, c)),
          ),
        );
      }
      if (t.reference !== null) {
        const summary = testSummary(t, row);
        tr.append(
          el('td', { 'data-column': 'diff', title: summary, class: 'test-cell' }, diffText(t, row)),
          el('td', { 'data-column': 'p', title: summary }, pText(row.test?.pHolm ?? null)),
        );
      }
      body.append(tr);
    }
    table.append(body);
    // Without a reference the notes have no Δ column to sit in: they are listed under the table.
    const notes = t.reference === null ? t.rows.filter((r) => r.note !== null) : [];
    this.tableBox.replaceChildren(
      el('div', { class: 'table-scroll' }, table),
      el('p', { class: 'detail', 'data-field': 'protocol' }, `Protocol: ${t.protocol.join('; ')}.`),
      ...notes.map((r) => el('p', { class: 'detail', 'data-field': 'note' }, `${r.label}: ${r.note}.`)),
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
