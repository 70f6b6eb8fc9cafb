// The live run view: header (state, method, backend, seed, epoch x/y, time left, Stop/Resume), the chart
// controls (smoothing, log scale for losses, zoom), one chart per metric and one per family of the method's
// diagnostics (OGM-GE's ratios and coefficients, MMPareto's conflict rate and cosine, …), fed by the host's
// frames.

import type { EpochRecord, RunView, SeriesFrame } from '../../../src/protocol/dashboard';
import { LineChart } from '../charts/lineChart';
import { button, el } from '../dom';
import { duration } from '../logic/format';
import { diagnosticCharts } from '../logic/diagnosticCharts';
import { chartData, LIVE_CHARTS, mergeFrame, type LiveChartSpec } from '../logic/liveCharts';
import { liveChoiceOf, type LiveChoice, type UiState } from '../logic/uiState';
import { isCurrentAnswer } from '../logic/requests';
import { nextRequestId, post } from '../vscodeApi';
import { latestTable } from './latestTable';

const REQUEST_DEBOUNCE_MS = 120;

export class LiveView {
  private readonly sections = new Map<string, RunSection>();

  constructor(
    private readonly root: HTMLElement,
    runs: RunView[],
    ui: UiState,
    private readonly persist: () => void,
  ) {
    root.replaceChildren();
    for (const run of runs) {
      const section = new RunSection(run, ui, persist, () => this.requestAll());
      this.sections.set(run.runDir, section);
      root.append(section.element);
    }
    this.requestAll();
  }

  onRunUpdate(run: RunView, latest: EpochRecord | null, eta: number | null): void {
    this.sections.get(run.runDir)?.update(run, latest, eta);
  }

  /** `requestId`: the request this frame answers, or null for new epochs of the one being followed. */
  onSeries(frame: SeriesFrame, requestId: number | null): void {
    const section = this.sections.get(frame.runDir);
    // An answer to a request the view has since replaced (a zoom, then another) is not drawn.
    if (section && isCurrentAnswer(requestId, section.requestId)) section.draw(frame);
  }

  redraw(): void {
    for (const s of this.sections.values()) s.rebuildCharts();
  }

  private requestAll(): void {
    this.persist();
    for (const s of this.sections.values()) s.request();
  }

  get element(): HTMLElement {
    return this.root;
  }
}

class RunSection {
  readonly element: HTMLElement;
  private readonly header = el('header', { class: 'run-header' });
  private readonly detail = el('p', { class: 'detail', hidden: '' });
  private readonly status = el('p', { class: 'chart-status', role: 'status' });
  private readonly latestBox = el('div', { class: 'latest' });
  private readonly charts = new Map<string, { chart: LineChart; spec: LiveChartSpec; lines: string }>();
  private readonly chartBoxes = new Map<string, HTMLElement>();
  /** The method's diagnostics charts, by family (`ogm/rho`), created as their keys first appear. */
  private readonly diagCharts = new Map<string, { chart: LineChart; lines: string }>();
  private readonly diagGrid = el('div', { class: 'chart-grid' });
  private readonly diagSection = el(
    'section',
    { class: 'diagnostics', hidden: '', 'aria-label': 'Method diagnostics' },
    el('h2', {}, 'Method diagnostics'),
    el(
      'p',
      { class: 'detail' },
      "The training method's own figures per epoch, from the epoch records' diagnostics (see the algorithm guide).",
    ),
    this.diagGrid,
  );
  private frame: SeriesFrame | null = null;
  /** The latest `requestSeries` of this run: answers to earlier ones are not drawn. */
  requestId = 0;
  private timer: number | undefined;
  /** This run's smoothing, zoom and log scale, kept in the webview state by run id. */
  private readonly choice: LiveChoice;

  constructor(
    private run: RunView,
    ui: UiState,
    private readonly persist: () => void,
    private readonly requestAll: () => void,
  ) {
    this.choice = liveChoiceOf(ui, run.runId);
    this.element = el('section', {
      class: 'run',
      'data-run-dir': run.runDir,
      'aria-label': `${run.name} seed ${run.seed ?? '?'}`,
    });
    const grid = el('div', { class: 'chart-grid' });
    for (const spec of LIVE_CHARTS) {
      const box = el('div', { class: 'chart-box' });
      this.chartBoxes.set(spec.id, box);
      const title = el('h2', { class: 'chart-title', id: `title-${spec.id}` }, spec.title);
      const png = button('PNG', () => this.savePng(spec.id), {
        secondary: '',
        'aria-label': `Save the ${spec.title} chart as PNG`,
        title: 'Save as PNG',
        class: 'png-button',
      });
      grid.append(
        el(
          'figure',
          { class: 'chart-figure', 'data-chart': spec.id },
          el('div', { class: 'chart-head' }, title, png),
          box,
        ),
      );
    }
    this.element.append(
      this.header,
      this.detail,
      this.controls(),
      this.status,
      grid,
      this.diagSection,
      this.latestBox,
    );
    this.update(run, null, null);
  }

  request(): void {
    const points = Math.max(200, Math.min(4000, Math.round(this.element.clientWidth || window.innerWidth)));
    this.requestId = nextRequestId();
    post({
      type: 'requestSeries',
      requestId: this.requestId,
      runDir: this.run.runDir,
      from: this.choice.from,
      to: this.choice.to,
      points,
      smoothing: this.choice.smoothing,
    });
  }

  update(run: RunView, latest: EpochRecord | null, eta: number | null): void {
    this.run = run;
    const state = el(
      'vscode-badge',
      { class: `state state-${run.state}`, 'data-field': 'state', variant: 'counter' },
      run.state,
    );
    const epoch = latest?.epoch ?? run.epoch;
    this.header.replaceChildren(
      el('h1', {}, run.name),
      state,
      el('span', { class: 'meta', 'data-field': 'method' }, `method ${run.method}`),
      el('span', { class: 'meta', 'data-field': 'backend' }, `backend ${run.backend}`),
      el('span', { class: 'meta', 'data-field': 'seed' }, `seed ${run.seed ?? '?'}`),
      el('span', { class: 'meta', 'data-field': 'epoch' }, `epoch ${epoch}/${run.epochs}`),
      el(
        'span',
        { class: 'meta', 'data-field': 'eta' },
        run.state === 'running' ? `ETA ${eta === null ? '–' : duration(eta)}` : run.endedAt ? 'finished' : '',
      ),
    );
    if (run.state === 'running' || run.state === 'remote')
      this.header.append(
        button('Stop', () => post({ type: 'stop', runDir: run.runDir }), {
          'aria-label': 'Stop the run (checkpoints first)',
        }),
      );
    if (run.state === 'stopped' || run.state === 'failed' || run.state === 'stale')
      this.header.append(button('Resume', () => post({ type: 'resume', runDir: run.runDir })));
    this.detail.textContent = run.stateDetail ?? '';
    this.detail.hidden = !run.stateDetail;
    if (latest) this.latestBox.replaceChildren(latestTable(run, latest));
    else if (!this.latestBox.firstChild)
      this.latestBox.append(el('p', { class: 'empty' }, 'No finished epoch yet.'));
  }

  draw(next: SeriesFrame): void {
    this.frame = mergeFrame(this.frame, next);
    const frame = this.frame;
    const zoomed = frame.from !== null || frame.to !== null;
    const range = zoomed
      ? { min: frame.from ?? frame.x[0] ?? 0, max: frame.to ?? frame.x.at(-1) ?? 1 }
      : null;
    for (const spec of LIVE_CHARTS) {
      const { lines, data } = chartData(frame, spec, this.run.modalities);
      const box = this.chartBoxes.get(spec.id)!;
      const figure = box.parentElement!;
      figure.hidden = lines.length === 0;
      if (lines.length === 0) continue;
      const signature = `${lines.map((l) => l.key).join(',')}|${this.logOf(spec)}`;
      const current = this.charts.get(spec.id);
      const chartSpec = {
        title: spec.title,
        percent: spec.percent,
        log: this.logOf(spec),
        lines: lines.map((l) => ({
          label: l.label,
          colorIndex: l.colorIndex,
          bold: l.fused,
          faint: l.faint,
        })),
        syncKey: `live-${this.run.runDir}`,
        note: () => (this.frame?.downsampled ? 'min and max of the epochs around this point' : null),
        onZoom: (from: number, to: number) => this.zoom(from, to),
        onResetZoom: () => this.zoom(null, null),
      };
      if (!current) {
        this.charts.set(spec.id, { chart: new LineChart(box, chartSpec, data), spec, lines: signature });
      } else if (current.lines !== signature) {
        current.chart.rebuild(chartSpec, data);
        current.lines = signature;
        if (range) current.chart.setData(data, range);
      } else {
        current.chart.setData(data, range);
      }
    }
    this.drawDiagnostics(frame, range);
    const shown = frame.x.length;
    const parts = [
      zoomed
        ? `Epochs ${frame.from ?? frame.x[0]}–${frame.to ?? frame.x.at(-1)} of ${frame.total}`
        : `${frame.total} epochs`,
      frame.downsampled
        ? `drawn as min/max of ${Math.round(frame.inRange / (shown / 2))}-epoch buckets (${shown} points)`
        : '',
      zoomed ? 'zoomed: double-click a chart or press 0 on it to show all' : 'following new epochs',
    ].filter((p) => p !== '');
    this.status.textContent = parts.join(' · ');
    this.status.setAttribute('data-total', String(frame.total));
    const lastEpoch = frame.x.at(-1);
    if (typeof lastEpoch === 'number') post({ type: 'rendered', runDir: this.run.runDir, epoch: lastEpoch });
  }

  rebuildCharts(): void {
    for (const { chart } of this.charts.values()) chart.rebuild();
    for (const { chart } of this.diagCharts.values()) chart.rebuild();
  }

  private drawDiagnostics(frame: SeriesFrame, range: { min: number; max: number } | null): void {
    const charts = diagnosticCharts(frame, this.run.modalities);
    this.diagSection.hidden = charts.length === 0;
    for (const { id, title, chart: data } of charts) {
      const signature = data.lines.map((l) => l.key).join(',');
      const spec = {
        title,
        lines: data.lines.map((l) => ({
          label: l.label,
          colorIndex: l.colorIndex,
          bold: l.fused,
          faint: l.faint,
        })),
        syncKey: `live-${this.run.runDir}`,
        note: () => (this.frame?.downsampled ? 'min and max of the epochs around this point' : null),
        onZoom: (from: number, to: number) => this.zoom(from, to),
        onResetZoom: () => this.zoom(null, null),
      };
      const current = this.diagCharts.get(id);
      if (!current) {
        const box = el('div', { class: 'chart-box' });
        const png = button('PNG', () => this.savePng(`diag:${id}`), {
          secondary: '',
          'aria-label': `Save the ${title} chart as PNG`,
          title: 'Save as PNG',
          class: 'png-button',
        });
        this.diagGrid.append(
          el(
            'figure',
            { class: 'chart-figure', 'data-chart': `diag:${id}` },
            el('div', { class: 'chart-head' }, el('h3', { class: 'chart-title' }, title), png),
            box,
          ),
        );
        this.diagCharts.set(id, { chart: new LineChart(box, spec, data.data), lines: signature });
      } else if (current.lines !== signature) {
        current.chart.rebuild(spec, data.data);
        current.lines = signature;
        if (range) current.chart.setData(data.data, range);
      } else {
        current.chart.setData(data.data, range);
      }
    }
  }

  private logOf(spec: LiveChartSpec): boolean {
    return spec.alwaysLog || (spec.logToggle && this.choice.logLoss);
  }

  private zoom(from: number | null, to: number | null): void {
    this.choice.from = from;
    this.choice.to = to;
    this.requestAll();
  }

  private controls(): HTMLElement {
    const smoothingId = `smoothing-${Math.random().toString(36).slice(2)}`;
    const slider = el('input', {
      type: 'range',
      id: smoothingId,
      min: '0',
      max: '0.99',
      step: '0.01',
      value: String(this.choice.smoothing),
      'aria-valuetext': `smoothing ${this.choice.smoothing}`,
    });
    const value = el(
      'output',
      { for: smoothingId, class: 'smoothing-value' },
      this.choice.smoothing.toFixed(2),
    );
    slider.addEventListener('input', () => {
      const v = Math.min(0.99, Math.max(0, Number(slider.value)));
      this.choice.smoothing = v;
      value.textContent = v.toFixed(2);
      slider.setAttribute('aria-valuetext', `smoothing ${v.toFixed(2)}`);
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.requestAll(), REQUEST_DEBOUNCE_MS);
    });
    const log = el('vscode-checkbox', { label: 'Log scale for losses', 'data-control': 'log' });
    if (this.choice.logLoss) log.setAttribute('checked', '');
    log.addEventListener('change', () => {
      this.choice.logLoss = (log as HTMLElement & { checked: boolean }).checked;
      this.persist();
      if (this.frame) {
        const f = this.frame;
        this.frame = null;
        this.draw({ ...f, append: false });
      }
    });
    const reset = button('Show all epochs', () => this.zoom(null, null), {
      secondary: '',
      'data-control': 'reset-zoom',
    });
    return el(
      'div',
      { class: 'controls', role: 'toolbar', 'aria-label': 'Chart controls' },
      el('label', { for: smoothingId, class: 'field-label' }, 'Smoothing'),
      slider,
      value,
      log,
      reset,
      el('span', { class: 'hint' }, 'Drag across a chart to zoom.'),
    );
  }

  private savePng(id: string): void {
    const entry = this.charts.get(id) ?? this.diagCharts.get(id.slice('diag:'.length));
    if (!entry) return;
    const name = `${this.run.name}-s${this.run.seed ?? 'x'}-${id}.png`.replace(/[^A-Za-z0-9._ -]/g, '-');
    post({ type: 'exportPng', fileName: name, dataUrl: entry.chart.toPng() });
  }
}
