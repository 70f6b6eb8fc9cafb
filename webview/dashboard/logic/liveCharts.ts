// The live view's charts as data: which series each chart draws (per modality, then fused), in uPlot's
// aligned form, from the host's frames; and frames merged when the host sends only new epochs.

import { seriesKey, type SeriesFrame, type SeriesGroup } from '../../../src/shared/series';

export interface LiveChartSpec {
  id: SeriesGroup;
  title: string;
  /** Values are fractions shown as percentages. */
  percent: boolean;
  /** The log-scale toggle applies (losses). */
  logToggle: boolean;
  alwaysLog: boolean;
  /** Has a `fused` series besides the modalities (drawn last, thicker). */
  fused: boolean;
  /** A single series without modality (lr, samples/s). */
  single: boolean;
}

export const LIVE_CHARTS: LiveChartSpec[] = [
  {
    id: 'trainLoss',
    title: 'Train loss',
    percent: false,
    logToggle: true,
    alwaysLog: false,
    fused: true,
    single: false,
  },
  {
    id: 'trainAcc',
    title: 'Train accuracy',
    percent: true,
    logToggle: false,
    alwaysLog: false,
    fused: true,
    single: false,
  },
  {
    id: 'val',
    title: 'Validation accuracy',
    percent: true,
    logToggle: false,
    alwaysLog: false,
    fused: true,
    single: false,
  },
  {
    id: 'test',
    title: 'Test accuracy',
    percent: true,
    logToggle: false,
    alwaysLog: false,
    fused: true,
    single: false,
  },
  {
    id: 'weight',
    title: 'Mean fusion weight (test)',
    percent: false,
    logToggle: false,
    alwaysLog: false,
    fused: false,
    single: false,
  },
  {
    id: 'lr',
    title: 'Learning rate',
    percent: false,
    logToggle: false,
    alwaysLog: false,
    fused: false,
    single: true,
  },
  {
    id: 'speed',
    title: 'Samples per second',
    percent: false,
    logToggle: false,
    alwaysLog: false,
    fused: false,
    single: true,
  },
];

export interface ChartLine {
  key: string;
  label: string;
  /** Index into the modality palette; -1 for fused / single series. */
  colorIndex: number;
  fused: boolean;
  /** The raw line drawn faintly under its smoothed twin. */
  faint: boolean;
}

export interface ChartData {
  lines: ChartLine[];
  /** [x, ...one array per line]. */
  data: (number | null)[][];
}

/** Lines of a chart that the frame has data for (a joint run has fused train loss, MLA has not). */
export function chartData(frame: SeriesFrame, spec: LiveChartSpec, modalities: string[]): ChartData {
  const names = spec.single ? [''] : [...modalities, ...(spec.fused ? ['fused'] : [])];
  const lines: ChartLine[] = [];
  const data: (number | null)[][] = [frame.x];
  names.forEach((name, i) => {
    const key = seriesKey(spec.id, name);
    const raw = frame.series[key];
    if (!raw || !raw.some((v) => v !== null)) return;
    const label = name === '' ? spec.title : name;
    const colorIndex = name === 'fused' || name === '' ? -1 : i;
    const smooth = frame.smoothed?.[key];
    if (smooth) {
      lines.push({ key, label, colorIndex, fused: name === 'fused', faint: false });
      data.push(smooth);
      lines.push({
        key: `${key}~raw`,
        label: `${label} (raw)`,
        colorIndex,
        fused: name === 'fused',
        faint: true,
      });
      data.push(raw);
    } else {
      lines.push({ key, label, colorIndex, fused: name === 'fused', faint: false });
      data.push(raw);
    }
  });
  return { lines, data };
}

/** The frame the webview holds after `next` arrives: `next` itself, or `prev` with `next`'s points added. */
export function mergeFrame(prev: SeriesFrame | null, next: SeriesFrame): SeriesFrame {
  if (!next.append || !prev) return next;
  const n = prev.x.length;
  const m = next.x.length;
  const nulls = (k: number): null[] => new Array<null>(k).fill(null);
  const join = (a: Record<string, (number | null)[]>, b: Record<string, (number | null)[]>) => {
    const out: Record<string, (number | null)[]> = {};
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      out[key] = [...(a[key] ?? nulls(n)), ...(b[key] ?? nulls(m))];
    return out;
  };
  return {
    ...next,
    x: [...prev.x, ...next.x],
    series: join(prev.series, next.series),
    smoothed: next.smoothed && prev.smoothed ? join(prev.smoothed, next.smoothed) : next.smoothed,
    append: false,
  };
}
