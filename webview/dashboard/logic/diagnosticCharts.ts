// The live view's method diagnostics: one chart per family of the epoch record's `diagnostics` keys, drawn
// from the keys alone so a new method's figures show without code here. `ogm/rho/audio` and `ogm/rho/video`
// are the lines `audio` and `video` of the chart `ogm/rho`; a key without `/` is a chart of one line.

import type { SeriesFrame } from '../../../src/shared/series';
import type { ChartData } from './liveCharts';

const PREFIX = 'diag:';

export interface DiagnosticChart {
  /** The family, e.g. `ogm/rho`; stable across frames, so a chart is updated rather than rebuilt. */
  id: string;
  /** `ogm · rho`. */
  title: string;
  chart: ChartData;
}

/** Charts in the order their first key appears in the frame; lines in key order. */
export function diagnosticCharts(frame: SeriesFrame, modalities: readonly string[]): DiagnosticChart[] {
  const families = new Map<string, { name: string; key: string }[]>();
  for (const key of Object.keys(frame.series)) {
    if (!key.startsWith(PREFIX)) continue;
    const name = key.slice(PREFIX.length);
    const cut = name.lastIndexOf('/');
    const family = cut < 0 ? name : name.slice(0, cut);
    const line = cut < 0 ? '' : name.slice(cut + 1);
    const members = families.get(family) ?? [];
    members.push({ name: line, key });
    families.set(family, members);
  }
  const charts: DiagnosticChart[] = [];
  for (const [family, members] of families) {
    const lines: ChartData['lines'] = [];
    const data: ChartData['data'] = [frame.x];
    members.forEach(({ name, key }, i) => {
      const raw = frame.series[key];
      if (!raw.some((v) => v !== null)) return;
      const label = name === '' ? family : name;
      // A modality keeps its colour from the other charts, `fused` the fused line's; others take the palette.
      const m = modalities.indexOf(name);
      const fused = name === 'fused';
      const colorIndex = name === '' || fused ? -1 : m >= 0 ? m : i;
      const smooth = frame.smoothed?.[key];
      if (smooth) {
        lines.push({ key, label, colorIndex, fused, faint: false });
        data.push(smooth);
        lines.push({ key: `${key}~raw`, label: `${label} (raw)`, colorIndex, fused, faint: true });
      } else {
        lines.push({ key, label, colorIndex, fused, faint: false });
      }
      data.push(raw);
    });
    if (lines.length > 0)
      charts.push({ id: family, title: family.split('/').join(' · '), chart: { lines, data } });
  }
  return charts;
}
