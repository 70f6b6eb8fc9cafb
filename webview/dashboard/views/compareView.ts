// The comparison: the table `mla compare` builds (rows = configs and methods, columns = modalities +
// multimodal; mean ± std with n, best bold, second underlined, rows of another protocol in red with the
// reason, the paired t-test against a reference on hover), built by the host with the command line's code
// at the split, epoch and reference chosen here, over the configs not removed; its exports (the core
// renderers' Markdown, LaTeX, CSV); the laziness picture (per-modality curves of each method side by side)
// and one band chart per metric. Runs still training are labelled and the table follows them. Runs of
// several datasets give a table per dataset and, under them, the methods' ranks across the datasets with a
// critical-difference diagram.

import type {
  CompareGroup,
  CompareTableTexts,
  CompareTableView,
  ExportFormat,
  RankSummaryView,
} from '../../../src/protocol/dashboard';
import { rankTestsLine, rankText, ranksCaption } from '../../../src/shared/rankText';
import { LineChart, type ChartSpec } from '../charts/lineChart';
import { button, el, select } from '../dom';
import { cdLayout } from '../logic/cdDiagram';
import {
  alignCurves,
  bandCurve,
  choiceLabel,
  clampEpoch,
  commonEpochRange,
  FUSED,
  isRunning,
  modalitiesOf,
  shownGroups,
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
  type TableRowView,
} from '../logic/compareTable';
import { pct } from '../logic/format';
import { isCurrentAnswer } from '../logic/requests';
import type { UiState } from '../logic/uiState';
import { nextRequestId, post } from '../vscodeApi';

const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', markdown: 'md', latex: 'tex' };

export class CompareView {
  /** Every group the host sent; `groups` are those shown (the person may remove and add configs). */
  private allGroups: CompareGroup[] = [];
  private groups: CompareGroup[] = [];
  /**
   * The controls are built once and updated in place: the host sends new data while a run of the
   * comparison trains, and rebuilding them would close an open dropdown under the person's pointer.
   */
  private controls: CompareControls | null = null;
  /** One per dataset. */
  private tables: CompareTableView[] = [];
  /** Over two or more datasets: the ranks across them, or why there are none. */
  private ranks: RankSummaryView | null = null;
  private ranksNote: string | null = null;
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
    this.allGroups = groups;
    this.groups = shownGroups(groups, this.ui.compare.removed);
    this.root.querySelector(':scope > .empty')?.remove();
    this.render();
  }

  /** `requestId`: the request this answers, or null when the host re-sent the table for changed runs. */
  onTable(
    requestId: number | null,
    answer: {
      tables: CompareTableView[];
      ranks: RankSummaryView | null;
      ranksNote: string | null;
      texts: CompareTableTexts | null;
      error: string | null;
    },
  ): void {
    if (!isCurrentAnswer(requestId, this.requestId)) return;
    const { tables, ranks, ranksNote, texts, error } = answer;
    this.tables = tables;
    this.ranks = ranks;
    this.ranksNote = ranksNote;
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

  /** Takes a config out of the comparison, or puts it back: the host builds the table over the others. */
  private setRemoved(key: string, removed: boolean): void {
    const others = this.ui.compare.removed.filter((k) => k !== key);
    this.ui.compare.removed = removed ? [...others, key] : others;
    this.changed();
    this.onData(this.allGroups);
  }

  private renderControls(): void {
    if (!this.controls) {
      this.controls = new CompareControls(this.ui, {
        onChoice: () => this.changed(),
        onSplit: () => {
          this.changed();
          this.renderCharts();
        },
        onReference: () => this.changed(),
        onAdd: (key) => this.setRemoved(key, false),
        onExport: (format, action) => this.export(format, action),
      });
      this.controlsBox.replaceChildren(this.controls.element);
    }
    this.controls.update({
      range: commonEpochRange(this.groups),
      removed: this.allGroups.filter((g) => !this.groups.includes(g)),
      methods: [...new Set(this.tables.flatMap(referenceChoices))],
      // The reference asked for holds on every dataset that has it; the first table's says which it is.
      reference: this.tables.find((t) => t.reference !== null)?.reference ?? null,
      exportable: this.texts !== null,
    });
  }

  /** The shown group a table row's runs belong to (its Remove button and its running runs). */
  private groupOf(row: TableRowView): CompareGroup | undefined {
    const dirs = new Set(row.runDirs);
    return this.groups.find((g) => g.runs.some((r) => dirs.has(r.run.runDir)));
  }

  /** The row's seeds whose runs still train, by run folder (from the run states the host sends). */
  private runningDirs(): Set<string> {
    return new Set(
      this.groups.flatMap((g) => g.runs.filter((r) => isRunning(r.run)).map((r) => r.run.runDir)),
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
    if (this.tables.length === 0) {
      this.tableBox.replaceChildren(
        el(
          'p',
          { class: this.tableError ? 'notice notice-error' : 'empty' },
          this.tableError ?? 'Building the table…',
        ),
      );
      return;
    }
    const several = this.tables.length > 1;
    this.tableBox.replaceChildren(
      ...this.tables.flatMap((t) => [
        ...(several ? [el('h3', { 'data-field': 'dataset' }, `Dataset ${t.dataset ?? ''}`)] : []),
        ...this.tableElements(t),
      ]),
      ...(several ? this.rankElements() : []),
    );
  }

  /** Under the tables of several datasets: the methods' average ranks, the tests, the CD diagram. */
  private rankElements(): HTMLElement[] {
    const heading = el('h3', {}, 'Ranks across datasets');
    const r = this.ranks;
    if (r === null)
      return [
        heading,
        el('p', { class: 'detail', 'data-field': 'ranks-note' }, `No ranks: ${this.ranksNote ?? ''}.`),
      ];
    const table = el('table', { class: 'paper-table rank-table', 'data-field': 'ranks' });
    table.append(el('caption', {}, ranksCaption(r)));
    const head = el('tr');
    for (const h of ['method', ...r.datasets, 'average rank']) head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const m of r.methods) {
      const tr = el('tr', { 'data-method': m.method });
      tr.append(el('th', { scope: 'row' }, m.method));
      m.ranks.forEach((rank, d) =>
        tr.append(
          el('td', { title: `${r.datasets[d]}: multimodal mean ${pct(m.scores[d])}` }, rankText(rank)),
        ),
      );
      tr.append(el('td', { 'data-column': 'average-rank' }, rankText(m.averageRank)));
      body.append(tr);
    }
    table.append(body);
    return [
      heading,
      el('div', { class: 'table-scroll' }, table),
      el('p', { class: 'detail', 'data-field': 'rank-tests' }, `${rankTestsLine(r)}.`),
      cdDiagram(r),
      ...(r.leftOut.length > 0
        ? [el('p', { class: 'detail', 'data-field': 'left-out' }, `Not ranked: ${r.leftOut.join('; ')}.`)]
        : []),
    ];
  }

  /** One dataset's table, its protocol and its rows' notes. */
  private tableElements(t: CompareTableView): HTMLElement[] {
    const primary = new Set(this.groups.filter((g) => g.primary).map((g) => g.name));
    const split = t.metric === 'test' ? 'Test' : 'Validation';
    const table = el('table', { class: 'paper-table', 'data-split': t.metric });
    table.append(
      el(
        'caption',
        {},
        `${split} accuracy (%) ${choiceLabel(this.ui.compare.choice)}: mean ± sample std over the n seeds that reached it, each seed's value below; best bold, second underlined.` +
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
    const runningDirs = this.runningDirs();
    for (const row of t.rows) {
      const running = row.runDirs.filter((d) => runningDirs.has(d)).length;
      const classes = [
        primary.has(row.config) ? 'primary' : 'peer',
        row.mismatch !== null ? 'mismatch' : '',
        running > 0 ? 'running' : '',
      ];
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
      const seedCount = row.runDirs.length;
      if (running > 0)
        name.append(
          el(
            'vscode-badge',
            { class: 'state state-running', 'data-field': 'running', variant: 'counter' },
            `running${seedCount > 1 ? ` ${running}/${seedCount}` : ''}`,
          ),
        );
      const group = this.groupOf(row);
      if (group && this.groups.length > 1)
        name.append(
          button('Remove', () => this.setRemoved(group.key, true), {
            secondary: '',
            class: 'remove-config',
            'data-control': 'remove-config',
            'aria-label': `Remove ${row.config} from the comparison`,
          }),
        );
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
            el('span', { class: 'cell-n' }, `n = ${cell.n ?? 0}`),
            el('span', { class: 'seeds' }, seedValues(row, c, runningDirs)),
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
    return [
      el('div', { class: 'table-scroll' }, table),
      el('p', { class: 'detail', 'data-field': 'protocol' }, `Protocol: ${t.protocol.join('; ')}.`),
      ...notes.map((r) => el('p', { class: 'detail', 'data-field': 'note' }, `${r.label}: ${r.note}.`)),
    ];
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

interface ControlHandlers {
  onChoice: () => void;
  onSplit: () => void;
  onReference: () => void;
  onAdd: (key: string) => void;
  onExport: (format: ExportFormat, action: 'save' | 'copy') => void;
}

/** What a new table or new data changes in the toolbar; the rest stays as the person set it. */
interface ControlsUpdate {
  /** The epochs every shown run reached: a typed epoch is kept within them. */
  range: { min: number; max: number } | null;
  /** Configs taken out, offered under "Add config". */
  removed: CompareGroup[];
  /** Methods a row can be tested against; the selector shows for two or more. */
  methods: string[];
  /** The table's reference (null: none, no row is joint and none was picked). */
  reference: string | null;
  /** The table's texts arrived: the exports can run. */
  exportable: boolean;
}

type Field = HTMLElement & { value: string; disabled: boolean };

/**
 * The comparison's toolbar: which epoch (best, last, or a typed one clamped to the epochs every run
 * reached), which split, the reference method, configs to add back, exports.
 */
class CompareControls {
  readonly element: HTMLElement;
  private readonly epochInput: Field;
  private readonly rangeNote = el('span', { class: 'hint', 'data-field': 'epoch-range' });
  private readonly referenceBox = el('div', { class: 'field' });
  private readonly addBox = el('div', { class: 'field' });
  private readonly exportButtons: HTMLElement[];
  private range: { min: number; max: number } | null = null;
  private addable = '';
  private references = '';

  constructor(
    private readonly ui: UiState,
    private readonly on: ControlHandlers,
  ) {
    const choice = ui.compare.choice;
    const kind = select(
      'Epoch',
      [
        { value: 'best', label: 'Best validation epoch' },
        { value: 'last', label: 'Last epoch' },
        { value: 'epoch', label: 'Epoch…' },
      ],
      choice.kind,
      (v) => {
        if (v === 'best' || v === 'last') this.ui.compare.choice = { kind: v };
        else this.applyTyped();
        this.epochInput.disabled = v !== 'epoch';
        this.on.onChoice();
      },
      { 'data-control': 'epoch-kind' },
    );
    this.epochInput = el('vscode-textfield', {
      type: 'number',
      'aria-label': 'Epoch number',
      'data-control': 'epoch',
      value: choice.kind === 'epoch' ? String(choice.epoch) : '',
    }) as Field;
    this.epochInput.disabled = choice.kind !== 'epoch';
    const commit = () => {
      this.applyTyped();
      this.on.onChoice();
    };
    this.epochInput.addEventListener('change', commit);
    this.epochInput.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') commit();
    });
    const split = select(
      'Split',
      [
        { value: 'test', label: 'Test' },
        { value: 'val', label: 'Validation' },
      ],
      ui.compare.split,
      (v) => {
        this.ui.compare.split = v === 'val' ? 'val' : 'test';
        this.on.onSplit();
      },
      { 'data-control': 'split' },
    );
    const exportButton = (label: string, format: ExportFormat, action: 'copy' | 'save', primary: boolean) =>
      button(label, () => this.on.onExport(format, action), {
        ...(primary ? {} : { secondary: '' }),
        'data-control': `${action}-${format}`,
        disabled: '',
      });
    this.exportButtons = [
      exportButton('Copy Markdown', 'markdown', 'copy', true),
      exportButton('Copy LaTeX', 'latex', 'copy', true),
      exportButton('Export CSV…', 'csv', 'save', false),
      exportButton('Save Markdown…', 'markdown', 'save', false),
      exportButton('Save LaTeX…', 'latex', 'save', false),
    ];
    this.element = el(
      'div',
      { class: 'controls-row' },
      kind,
      el('div', { class: 'field' }, el('vscode-label', {}, 'Epoch #'), this.epochInput),
      this.rangeNote,
      split,
      this.referenceBox,
      this.addBox,
      ...this.exportButtons,
    );
  }

  update(next: ControlsUpdate): void {
    const { range, removed } = next;
    this.range = range;
    if (range) {
      this.epochInput.setAttribute('min', String(range.min));
      this.epochInput.setAttribute('max', String(range.max));
      this.rangeNote.textContent = `every run reached epochs ${range.min}–${range.max}`;
    } else {
      this.rangeNote.textContent = 'no epoch that every run reached yet';
    }
    for (const b of this.exportButtons) {
      if (next.exportable) b.removeAttribute('disabled');
      else b.setAttribute('disabled', '');
    }
    this.updateReference(next.methods, next.reference);
    const signature = removed.map((g) => g.key).join('|');
    if (signature === this.addable) return;
    this.addable = signature;
    this.addBox.replaceChildren(
      ...(removed.length === 0
        ? []
        : [
            select(
              'Add config',
              [
                { value: '', label: `${removed.length} removed…` },
                ...removed.map((g) => ({ value: g.key, label: `${g.name} (${g.method})` })),
              ],
              '',
              (key) => {
                if (key !== '') this.on.onAdd(key);
              },
              { 'data-control': 'add-config' },
            ),
          ]),
    );
  }

  /** The reference selector, rebuilt only when its methods or the table's reference change. */
  private updateReference(methods: string[], reference: string | null): void {
    const signature = `${methods.join('|')}:${reference ?? ''}`;
    if (signature === this.references) return;
    this.references = signature;
    this.referenceBox.replaceChildren(
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
                this.on.onReference();
              },
              { 'data-control': 'reference' },
            ),
          ]
        : []),
    );
  }

  /** The typed epoch, clamped to the common range and written back into the field. */
  private applyTyped(): void {
    const typed = clampEpoch(Number(this.epochInput.value || NaN), this.range);
    const epoch = typed ?? this.range?.max ?? null;
    if (epoch === null) return;
    this.epochInput.value = String(epoch);
    this.ui.compare.choice = { kind: 'epoch', epoch };
  }
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The critical-difference diagram as inline SVG, coloured by the theme's CSS variables (media/dashboard.css)
 * so it reads in light, dark and high-contrast themes.
 */
function cdDiagram(ranks: RankSummaryView): HTMLElement {
  const layout = cdLayout(ranks);
  const line = (l: { x1: number; y1: number; x2: number; y2: number }, cls: string) =>
    svg('line', { ...l, class: cls });
  const root = svg('svg', {
    class: 'cd-diagram',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    role: 'img',
    'aria-label': `Critical-difference diagram: ${rankTestsLine(ranks)}`,
  });
  root.append(line(layout.axis, 'cd-axis'));
  for (const t of layout.ticks) {
    root.append(line({ x1: t.x, y1: t.y1, x2: t.x, y2: t.y2 }, 'cd-axis'));
    if (t.label !== null)
      root.append(svg('text', { x: t.x, y: t.y1 - 4, 'text-anchor': 'middle', class: 'cd-tick' }, t.label));
  }
  if (layout.cd) {
    const { line: l, label } = layout.cd;
    root.append(
      line(l, 'cd-length'),
      line({ x1: l.x1, y1: l.y1 - 3, x2: l.x1, y2: l.y1 + 3 }, 'cd-length'),
      line({ x1: l.x2, y1: l.y1 - 3, x2: l.x2, y2: l.y1 + 3 }, 'cd-length'),
      svg('text', { x: label.x, y: label.y, class: 'cd-label' }, label.text),
    );
  }
  for (const g of layout.groups) root.append(line(g, 'cd-group'));
  for (const m of layout.methods) {
    root.append(
      svg('polyline', { points: m.path.map((p) => `${p.x},${p.y}`).join(' '), class: 'cd-method' }),
      svg(
        'text',
        { x: m.label.x, y: m.label.y, 'text-anchor': m.label.anchor, class: 'cd-name' },
        m.label.text,
      ),
    );
  }
  return el('figure', { class: 'cd-figure', 'data-field': 'cd-diagram' }, root);
}
