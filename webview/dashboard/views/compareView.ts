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
  clampEpoch,
  commonEpochRange,
  FUSED,
  modalitiesOf,
  shownGroups,
  type CompareTable,
} from '../logic/compare';
import { tableToCsv, tableToMarkdown } from '../logic/exportTable';
import { duration, formatMeanStd } from '../logic/format';
import type { UiState } from '../logic/uiState';
import { post } from '../vscodeApi';

export class CompareView {
  /** Every group the host sent; `groups` are those shown (the person may remove and add configs). */
  private allGroups: CompareGroup[] = [];
  private groups: CompareGroup[] = [];
  /**
   * The controls are built once and updated in place: the host sends new data while a run of the
   * comparison trains, and rebuilding them would close an open dropdown under the person's pointer.
   */
  private controls: CompareControls | null = null;
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
    this.allGroups = groups;
    this.groups = shownGroups(groups, this.ui.compare.removed);
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

  /** Takes a config out of the comparison, or puts it back. */
  private setRemoved(key: string, removed: boolean): void {
    const others = this.ui.compare.removed.filter((k) => k !== key);
    this.ui.compare.removed = removed ? [...others, key] : others;
    this.persist();
    this.onData(this.allGroups);
  }

  private renderControls(): void {
    if (!this.controls) {
      this.controls = new CompareControls(this.ui, {
        onChoice: () => {
          this.persist();
          this.renderTable();
        },
        onSplit: () => {
          this.persist();
          this.render();
        },
        onAdd: (key) => this.setRemoved(key, false),
        onExport: (format, action) => this.export(format, action),
      });
      this.controlsBox.replaceChildren(this.controls.element);
    }
    this.controls.update(
      commonEpochRange(this.groups),
      this.allGroups.filter((g) => !this.groups.includes(g)),
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
        `${split} accuracy (%) ${choiceLabel(t.choice)}: mean ± std over the n seeds that reached it, each seed's value below.`,
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
      const tr = el('tr', {
        'data-group': row.name,
        class: `${row.primary ? 'primary' : 'peer'}${row.running > 0 ? ' running' : ''}`,
      });
      const seedCount = row.cells[FUSED].values.length;
      const heading = el(
        'th',
        { scope: 'row' },
        el('span', { class: 'row-name' }, row.name),
        el('span', { class: 'row-sub' }, `${row.method} · ${seedCount} seed${seedCount === 1 ? '' : 's'}`),
      );
      if (row.running > 0)
        heading.append(
          el(
            'vscode-badge',
            { class: 'state state-running', 'data-field': 'running', variant: 'counter' },
            `running${seedCount > 1 ? ` ${row.running}/${seedCount}` : ''}`,
          ),
        );
      if (this.groups.length > 1)
        heading.append(
          button('Remove', () => this.setRemoved(row.key, true), {
            secondary: '',
            class: 'remove-config',
            'data-control': 'remove-config',
            'aria-label': `Remove ${row.name} from the comparison`,
          }),
        );
      tr.append(heading);
      for (const c of t.columns) {
        const cell = row.cells[c];
        const seeds = cell.values
          .map(
            (v) =>
              `s${v.seed ?? '?'} ${v.value === null ? '–' : (100 * v.value).toFixed(1)}${v.running ? ' (running)' : ''}`,
          )
          .join(' · ');
        tr.append(
          el(
            'td',
            {
              'data-column': c,
              'data-mean': String(cell.mean),
              'data-std': String(cell.std),
              'data-n': String(cell.n),
            },
            el('span', { class: 'mean-std' }, formatMeanStd(cell.mean, cell.std)),
            el('span', { class: 'cell-n' }, `n = ${cell.n}`),
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

interface ControlHandlers {
  onChoice: () => void;
  onSplit: () => void;
  onAdd: (key: string) => void;
  onExport: (format: 'csv' | 'markdown', action: 'save' | 'copy') => void;
}

/**
 * The comparison's toolbar: which epoch (best, last, or a typed one clamped to the epochs every run
 * reached), which split, configs to add back, exports.
 */
class CompareControls {
  readonly element: HTMLElement;
  private readonly epochInput: HTMLElement & { value: string; disabled: boolean };
  private readonly rangeNote = el('span', { class: 'hint', 'data-field': 'epoch-range' });
  private readonly addBox = el('div', { class: 'field' });
  private range: { min: number; max: number } | null = null;
  private addable = '';

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
    }) as HTMLElement & { value: string; disabled: boolean };
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
    this.element = el(
      'div',
      { class: 'controls-row' },
      kind,
      el('div', { class: 'field' }, el('vscode-label', {}, 'Epoch #'), this.epochInput),
      this.rangeNote,
      split,
      this.addBox,
      button('Copy Markdown', () => this.on.onExport('markdown', 'copy'), {
        'data-control': 'copy-markdown',
      }),
      button('Save CSV…', () => this.on.onExport('csv', 'save'), {
        secondary: '',
        'data-control': 'save-csv',
      }),
      button('Save Markdown…', () => this.on.onExport('markdown', 'save'), {
        secondary: '',
        'data-control': 'save-markdown',
      }),
    );
  }

  /** New data: the range of typeable epochs and the removed configs; the rest is left as the person set it. */
  update(range: { min: number; max: number } | null, removed: CompareGroup[]): void {
    this.range = range;
    if (range) {
      this.epochInput.setAttribute('min', String(range.min));
      this.epochInput.setAttribute('max', String(range.max));
      this.rangeNote.textContent = `every run reached epochs ${range.min}–${range.max}`;
    } else {
      this.rangeNote.textContent = 'no epoch that every run reached yet';
    }
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

  /** The typed epoch, clamped to the common range and written back into the field. */
  private applyTyped(): void {
    const typed = clampEpoch(Number(this.epochInput.value || NaN), this.range);
    const epoch = typed ?? this.range?.max ?? null;
    if (epoch === null) return;
    this.epochInput.value = String(epoch);
    this.ui.compare.choice = { kind: 'epoch', epoch };
  }
}
