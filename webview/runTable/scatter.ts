// The metric-vs-parameter chart: pick x (a sweep axis, a config key or a run fact) and y (a summary
// figure); one point per row shown (per run, or per seed group's mean), drawn with uPlot like the
// dashboard's charts, themed the same way, x on a log scale on request (learning rates).

import uPlot from 'uplot';
import { columnTitle } from '../../src/shared/runTable/columns';
import { scatterData, type ScatterData } from '../../src/shared/runTable/scatter';
import type { Column, TableRow } from '../../src/shared/runTable/types';
import type { ViewState } from '../../src/shared/runTable/viewState';
import { chartTheme, colorFor } from '../dashboard/charts/theme';
import { el, select } from '../dashboard/dom';

const HEIGHT = 280;

export class ScatterPanel {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly caption: HTMLElement;
  private plot: uPlot | null = null;
  private rows: TableRow[] = [];
  private columns: Column[] = [];
  private controlsKey = '';

  constructor(
    private readonly state: ViewState,
    private readonly changed: () => void,
  ) {
    this.controls = el('div', { class: 'toolbar' });
    this.plotBox = el('div', {
      class: 'scatter-plot',
      role: 'figure',
      'aria-label': 'Metric against parameter',
    });
    this.caption = el('p', { class: 'caption' });
    this.element = el(
      'section',
      { class: 'scatter' },
      el('h2', {}, 'Metric against parameter'),
      this.controls,
      this.plotBox,
      this.caption,
    );
    new ResizeObserver(() => {
      if (this.plot && this.plotBox.clientWidth !== this.plot.width)
        this.plot.setSize({ width: this.plotBox.clientWidth, height: HEIGHT });
    }).observe(this.plotBox);
  }

  update(rows: TableRow[], columns: Column[]): void {
    this.rows = rows;
    this.columns = columns;
    const xs = columns.filter((c) => c.source !== 'metric' && c.id !== 'run:run' && c.id !== 'run:n');
    const ys = columns.filter((c) => c.source === 'metric');
    if (ys.length === 0 || xs.length === 0) {
      this.element.hidden = true;
      return;
    }
    this.element.hidden = false;
    const chart = this.state.chart;
    if (!chart.x || !xs.some((c) => c.id === chart.x))
      chart.x = (
        xs.find((c) => c.source === 'axis' && c.numeric) ??
        xs.find((c) => c.source === 'axis') ??
        xs.find((c) => c.id === 'config:training.optimizer.lr') ??
        xs[0]
      ).id;
    if (!chart.y || !ys.some((c) => c.id === chart.y))
      chart.y = (ys.find((c) => c.id === 'metric:val.fused') ?? ys[0]).id;
    const key = [...xs, ...ys].map((c) => c.id).join('\n') + `\n${chart.x}\n${chart.y}`;
    if (key !== this.controlsKey) {
      this.controlsKey = key;
      const option = (c: Column) => ({
        value: c.id,
        label: `${c.source === 'run' ? '' : `${c.source}: `}${columnTitle(c)}`,
      });
      const log = el('vscode-checkbox', { label: 'Log scale for x', 'data-control': 'log-x' });
      if (chart.logX) log.setAttribute('checked', '');
      log.addEventListener('change', () => {
        chart.logX = (log as HTMLElement & { checked: boolean }).checked;
        this.changed();
      });
      this.controls.replaceChildren(
        select(
          'x',
          xs.map(option),
          chart.x,
          (v) => {
            chart.x = v;
            this.changed();
          },
          { 'data-control': 'chart-x' },
        ),
        select(
          'y',
          ys.map(option),
          chart.y,
          (v) => {
            chart.y = v;
            this.changed();
          },
          { 'data-control': 'chart-y' },
        ),
        log,
      );
    }
    this.draw();
  }

  redraw(): void {
    this.plot?.destroy();
    this.plot = null;
    this.draw();
  }

  private draw(): void {
    const { x, y, logX } = this.state.chart;
    const xc = this.columns.find((c) => c.id === x);
    const yc = this.columns.find((c) => c.id === y);
    if (!xc || !yc) return;
    const data = scatterData(this.rows, xc.id, yc.id);
    const log = logX && data.categories === null && data.xs.length > 0 && data.xs[0] > 0;
    this.caption.textContent =
      `${data.xs.length} point${data.xs.length === 1 ? '' : 's'}` +
      (this.state.mode === 'group' ? ' (seed-group means)' : '') +
      (logX && !log ? '; log scale needs x > 0' : '');
    this.plot?.destroy();
    this.plot = new uPlot(this.options(data, xc, yc, log), [data.xs, data.ys], this.plotBox);
  }

  private options(data: ScatterData, xc: Column, yc: Column, log: boolean): uPlot.Options {
    const theme = chartTheme();
    const cats = data.categories;
    const axis = {
      stroke: theme.foreground,
      grid: { stroke: theme.grid },
      ticks: { stroke: theme.grid },
      font: theme.font,
      labelFont: theme.font,
    };
    const yFormat = (v: number) =>
      yc.percent ? `${(100 * v).toFixed(1)}%` : String(Number(v.toPrecision(4)));
    return {
      width: Math.max(200, this.plotBox.clientWidth),
      height: HEIGHT,
      legend: { show: true },
      cursor: { drag: { x: false, y: false }, points: { size: 9 } },
      scales: {
        x: cats ? { time: false, range: [-0.5, cats.length - 0.5] } : { time: false, distr: log ? 3 : 1 },
        y: { auto: true },
      },
      axes: [
        {
          ...axis,
          label: columnTitle(xc),
          ...(cats
            ? {
                splits: () => cats.map((_, i) => i),
                values: (_u: uPlot, splits: number[]) => splits.map((i) => cats[i] ?? ''),
              }
            : {}),
        },
        { ...axis, label: columnTitle(yc), values: (_u: uPlot, splits: number[]) => splits.map(yFormat) },
      ],
      series: [
        {
          label: columnTitle(xc),
          value: (_u, v) => (v === null ? '–' : cats ? (cats[v] ?? '') : String(Number(v.toPrecision(6)))),
        },
        {
          label: columnTitle(yc),
          stroke: colorFor(theme, 0),
          fill: colorFor(theme, 0),
          paths: () => null,
          points: { show: true, size: 7, fill: colorFor(theme, 0) },
          value: (_u, v) => (v === null ? '–' : yFormat(v)),
        },
      ],
    };
  }
}
