// The live view's chart data: what the host cuts from a run's series store and the webview draws.

/**
 * Series of the live view, keyed `<group>:<name>`: `trainLoss:<m>` / `trainLoss:fused` (joint),
 * `trainAcc:<m>` / `trainAcc:fused`, `val:<m>` / `val:fused`, `test:<m>` / `test:fused`, `lr:`, `speed:`,
 * `weight:<m>`, and `diag:<key>` for each key of the epoch record's method `diagnostics` (e.g.
 * `diag:ogm/rho/audio`). Missing values are null.
 */
export type SeriesGroup = 'trainLoss' | 'trainAcc' | 'val' | 'test' | 'lr' | 'speed' | 'weight' | 'diag';

export function seriesKey(group: SeriesGroup, name = ''): string {
  return `${group}:${name}`;
}

/** The live view's chart data for one run: raw points, or min/max per bucket when there are too many. */
export interface SeriesFrame {
  runDir: string;
  /** Epochs (x). */
  x: number[];
  series: Record<string, (number | null)[]>;
  /** Exponential moving averages of `series` (over the raw points), when smoothing > 0. */
  smoothed: Record<string, (number | null)[]> | null;
  smoothing: number;
  /** Epoch range asked for; null = everything (the view follows new epochs). */
  from: number | null;
  to: number | null;
  /** Epochs the run has in total, and in the range. */
  total: number;
  inRange: number;
  /** True when each bucket of epochs is drawn as its min and max (too many points for the width). */
  downsampled: boolean;
  /** True: `x`/`series` continue the previous frame (new epochs only); false: they replace it. */
  append: boolean;
}
