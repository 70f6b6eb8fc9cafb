// The metric-vs-parameter chart of a sweep: one point per row with both figures. A text x (a fusion type,
// an HGM mode) is placed on evenly spaced categories in sorted order. Points come sorted by x, as the chart
// library wants its x values.

import { compareScalars } from './sort';
import type { TableRow } from './types';

export interface ScatterData {
  xs: number[];
  ys: number[];
  /** The row key of each point (run folder or seed group), for its tooltip. */
  keys: string[];
  /** Names of the x positions 0, 1, … when x is text; null when x is numeric. */
  categories: string[] | null;
}

export function scatterData(rows: readonly TableRow[], x: string, y: string): ScatterData {
  const points = rows
    .map((row) => ({ x: row.cells[x]?.value ?? null, y: row.cells[y]?.value ?? null, key: row.key }))
    .filter((p) => p.x !== null && typeof p.y === 'number');
  const numeric = points.every((p) => typeof p.x === 'number');
  let categories: string[] | null = null;
  let place: (v: unknown) => number = (v) => v as number;
  if (!numeric) {
    categories = [...new Set(points.map((p) => String(p.x)))].sort((a, b) => compareScalars(a, b));
    const index = new Map(categories.map((c, i) => [c, i]));
    place = (v) => index.get(String(v)) ?? 0;
  }
  const placed = points
    .map((p) => ({ x: place(p.x), y: p.y as number, key: p.key }))
    .sort((a, b) => a.x - b.x);
  return {
    xs: placed.map((p) => p.x),
    ys: placed.map((p) => p.y),
    keys: placed.map((p) => p.key),
    categories,
  };
}
