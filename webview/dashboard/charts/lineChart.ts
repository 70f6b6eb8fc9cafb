// A uPlot chart with what the dashboard needs around it: theme colours, a tooltip with exact values,
// drag-to-zoom reported to the view (which asks the host for finer data), keyboard navigation (arrows move
// the cursor, +/- zoom, 0 resets), resizing with its container, and export as a PNG with title and legend.

import uPlot from 'uplot';
import { chartTheme, colorFor, withAlpha, type ChartTheme } from './theme';

export interface LineSpec {
  label: string;
  colorIndex: number;
  /** Drawn thicker (the fused line). */
  bold?: boolean;
  /** Drawn thin and transparent (raw values under a smoothed line). */
  faint?: boolean;
  /** Not drawn, no legend, no tooltip: an edge of a ± std band. */
  bandEdge?: boolean;
}

export interface ChartSpec {
  title: string;
  /** Axis label of y, and of x (default "epoch"). */
  yLabel?: string;
  xLabel?: string;
  percent?: boolean;
  log?: boolean;
  bars?: boolean;
  lines: LineSpec[];
  /** Pairs of line indices (upper, lower), 0-based into `lines`, filled as a band in the upper's colour. */
  bands?: [number, number][];
  /** Sync the cursor with other charts of the same key. */
  syncKey?: string;
  height?: number;
  /** Tooltip note, e.g. that the points are bucket extremes. */
  note?: () => string | null;
  formatX?: (x: number) => string;
  onZoom?: (from: number, to: number) => void;
  onResetZoom?: () => void;
}

export type ChartData = (number | null)[][];

export class LineChart {
  private plot: uPlot | null = null;
  private readonly tooltip: HTMLDivElement;
  private readonly observer: ResizeObserver;
  private theme: ChartTheme = chartTheme();
  private data: ChartData;
  private keyIndex: number | null = null;

  constructor(
    private readonly container: HTMLElement,
    private spec: ChartSpec,
    data: ChartData,
  ) {
    this.data = data;
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'chart-tooltip';
    this.tooltip.setAttribute('role', 'status');
    container.classList.add('chart');
    container.tabIndex = 0;
    container.setAttribute('role', 'figure');
    container.addEventListener('keydown', (e) => this.onKey(e));
    container.addEventListener('blur', () => this.hideTooltip());
    this.observer = new ResizeObserver(() => {
      if (this.plot && this.width() !== this.plot.width) this.plot.setSize(this.size());
    });
    this.observer.observe(container);
    this.build();
  }

  get uplot(): uPlot | null {
    return this.plot;
  }

  /** New data; `keepX` keeps the current x range (a zoomed view), else the range follows the data. */
  setData(data: ChartData, xRange?: { min: number; max: number } | null): void {
    this.data = data;
    if (!this.plot) return;
    this.plot.setData(data as uPlot.AlignedData, !xRange);
    if (xRange) this.plot.setScale('x', xRange);
    this.describe();
  }

  /** Rebuilds with a new spec (lines, log scale) or the current theme. */
  rebuild(spec: ChartSpec = this.spec, data: ChartData = this.data): void {
    this.spec = spec;
    this.data = data;
    this.theme = chartTheme();
    this.build();
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  /** The chart as a PNG data URL: title, plot and a legend, on the theme's background. */
  toPng(): string {
    const plot = this.plot!;
    const src = plot.ctx.canvas;
    const scale = src.width / plot.width;
    const t = this.theme;
    const visible = this.spec.lines.filter((l) => !l.bandEdge && !l.faint);
    const pad = 12 * scale;
    const titleH = 26 * scale;
    const legendH = 22 * scale;
    const canvas = document.createElement('canvas');
    canvas.width = src.width + 2 * pad;
    canvas.height = src.height + titleH + legendH + 2 * pad;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = t.foreground;
    ctx.font = `600 ${14 * scale}px ${t.fontFamily}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(this.spec.title, pad, pad + titleH / 2);
    ctx.drawImage(src, pad, pad + titleH);
    ctx.font = `${12 * scale}px ${t.fontFamily}`;
    let x = pad;
    const y = pad + titleH + src.height + legendH / 2;
    for (const line of visible) {
      ctx.fillStyle = colorFor(t, line.colorIndex);
      ctx.fillRect(x, y - 2 * scale, 14 * scale, 4 * scale);
      x += 18 * scale;
      ctx.fillStyle = t.foreground;
      ctx.fillText(line.label, x, y);
      x += ctx.measureText(line.label).width + 16 * scale;
    }
    return canvas.toDataURL('image/png');
  }

  private width(): number {
    return Math.max(240, Math.floor(this.container.clientWidth));
  }

  private size(): { width: number; height: number } {
    return { width: this.width(), height: this.spec.height ?? 220 };
  }

  private build(): void {
    this.plot?.destroy();
    const t = this.theme;
    const spec = this.spec;
    const fmtY = (v: number | null | undefined): string => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
      if (spec.percent) return `${(100 * v).toFixed(2)}%`;
      return exactNumber(v);
    };
    const axis = (label: string): uPlot.Axis => ({
      stroke: t.muted,
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1 },
      font: t.font,
      labelFont: t.font,
      label,
    });
    const series: uPlot.Series[] = [
      {
        label: spec.xLabel ?? 'epoch',
        value: (_u, v) => (v === null ? '–' : (spec.formatX?.(v) ?? String(v))),
      },
      ...spec.lines.map((line): uPlot.Series => {
        const color = colorFor(t, line.colorIndex);
        // In high contrast a faint fill alone is lost: a band's edges are drawn, dashed, as its outline.
        const edge = t.highContrast ? color : 'transparent';
        return {
          label: line.label,
          stroke: line.bandEdge ? edge : line.faint ? withAlpha(color, 0.3) : color,
          ...(line.bandEdge && t.highContrast ? { dash: [4, 3] } : {}),
          width: line.bold ? 2.5 : line.faint || line.bandEdge ? 1 : 1.5,
          points: { show: false },
          spanGaps: true,
          value: (_u, v) => fmtY(v),
          ...(spec.bars
            ? { paths: uPlot.paths.bars!({ size: [0.8, 80] }), fill: withAlpha(color, 0.6) }
            : {}),
        };
      }),
    ];
    const yAxis = axis(spec.yLabel ?? '');
    yAxis.size = 64;
    if (spec.percent)
      yAxis.values = (_u, splits) =>
        splits.map((v) => (v === null ? '' : `${Math.round(100 * v * 10) / 10}%`));
    else yAxis.values = (_u, splits) => splits.map((v) => (v === null ? '' : exactNumber(v)));
    const opts: uPlot.Options = {
      ...this.size(),
      scales: {
        x: { time: false },
        y: spec.log ? { distr: 3 } : spec.bars ? { range: (_u, _min, max) => [0, Math.max(1, max)] } : {},
      },
      axes: [axis(spec.xLabel ?? 'epoch'), yAxis],
      series,
      bands: (spec.bands ?? []).map(([hi, lo]) => ({
        series: [hi + 1, lo + 1] as [number, number],
        fill: withAlpha(colorFor(t, spec.lines[hi].colorIndex), t.highContrast ? 0.3 : 0.15),
      })),
      legend: { show: true, live: true },
      cursor: {
        sync: spec.syncKey ? { key: spec.syncKey } : undefined,
        drag: { x: !!spec.onZoom, y: false, setScale: false },
        points: { show: !spec.bars },
        bind: {
          dblclick: () => () => {
            spec.onResetZoom?.();
            return null;
          },
        },
      },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2 || !spec.onZoom) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            spec.onZoom(Math.max(0, Math.floor(from)), Math.ceil(to));
          },
        ],
        setCursor: [(u) => this.showTooltip(u, fmtY)],
      },
    };
    for (const [i, line] of spec.lines.entries()) {
      if (line.bandEdge) {
        // Hidden from the legend: a band's edges are not lines of their own.
        opts.series[i + 1].label = '';
        (opts.series[i + 1] as uPlot.Series & { class?: string }).class = 'band-edge';
      }
    }
    this.container.replaceChildren();
    this.plot = new uPlot(opts, this.data as uPlot.AlignedData, this.container);
    // uPlot's legend rows are inline-block tables rows: `hidden` alone does not remove them.
    this.plot.root.querySelectorAll('.u-legend .u-series').forEach((row, i) => {
      if (i > 0 && spec.lines[i - 1]?.bandEdge) (row as HTMLElement).style.display = 'none';
    });
    this.plot.over.append(this.tooltip);
    this.describe();
  }

  /** A sentence for screen readers: what the chart shows and its latest values. */
  private describe(): void {
    const x = this.data[0] ?? [];
    const last = x.length - 1;
    const values = this.spec.lines
      .map((l, i) => ({ l, v: this.data[i + 1]?.[last] }))
      .filter(({ l, v }) => !l.bandEdge && !l.faint && typeof v === 'number')
      .map(
        ({ l, v }) =>
          `${l.label} ${this.spec.percent ? `${(100 * (v as number)).toFixed(1)}%` : exactNumber(v as number)}`,
      );
    const range = x.length > 0 ? `, ${this.spec.xLabel ?? 'epoch'} ${x[0]} to ${x[last]}` : ', no data yet';
    this.container.setAttribute(
      'aria-label',
      `${this.spec.title}${range}${values.length ? `; last: ${values.join(', ')}` : ''}. Arrow keys read values; plus and minus zoom; 0 resets.`,
    );
  }

  private showTooltip(u: uPlot, fmtY: (v: number | null | undefined) => string): void {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
      this.hideTooltip();
      return;
    }
    const x = u.data[0][idx];
    const head = document.createElement('div');
    head.className = 'tooltip-head';
    head.textContent = `${this.spec.xLabel ?? 'epoch'} ${this.spec.formatX?.(x) ?? x}`;
    const rows: HTMLElement[] = [head];
    this.spec.lines.forEach((line, i) => {
      if (line.bandEdge || !u.series[i + 1].show) return;
      const row = document.createElement('div');
      row.className = line.faint ? 'tooltip-row faint' : 'tooltip-row';
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colorFor(this.theme, line.colorIndex);
      const text = document.createElement('span');
      text.textContent = `${line.label}: ${fmtY(u.data[i + 1][idx])}`;
      row.append(swatch, text);
      rows.push(row);
    });
    const note = this.spec.note?.();
    if (note) {
      const n = document.createElement('div');
      n.className = 'tooltip-note';
      n.textContent = note;
      rows.push(n);
    }
    this.tooltip.replaceChildren(...rows);
    this.tooltip.hidden = false;
    const left = u.cursor.left;
    const top = u.cursor.top ?? 0;
    const w = this.tooltip.offsetWidth;
    const overW = u.over.clientWidth;
    this.tooltip.style.left = `${left + 12 + w > overW ? Math.max(0, left - 12 - w) : left + 12}px`;
    this.tooltip.style.top = `${Math.max(0, top - 10)}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }

  private onKey(e: KeyboardEvent): void {
    const u = this.plot;
    const x = this.data[0] as number[];
    if (!u || x.length === 0) return;
    let idx = this.keyIndex ?? x.length - 1;
    if (e.key === 'ArrowLeft') idx = Math.max(0, idx - (e.shiftKey ? 10 : 1));
    else if (e.key === 'ArrowRight') idx = Math.min(x.length - 1, idx + (e.shiftKey ? 10 : 1));
    else if (e.key === 'Home') idx = 0;
    else if (e.key === 'End') idx = x.length - 1;
    else if ((e.key === '+' || e.key === '=') && this.spec.onZoom) {
      const min = u.scales.x.min ?? x[0];
      const max = u.scales.x.max ?? x[x.length - 1];
      const quarter = (max - min) / 4;
      const centre = x[idx];
      this.spec.onZoom(Math.max(0, Math.floor(centre - quarter)), Math.ceil(centre + quarter));
      e.preventDefault();
      return;
    } else if ((e.key === '-' || e.key === '0') && this.spec.onResetZoom) {
      this.spec.onResetZoom();
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    this.keyIndex = idx;
    u.setCursor({ left: u.valToPos(x[idx], 'x'), top: u.over.clientHeight / 2 });
  }
}

function exactNumber(v: number): string {
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
