// How figures read to a person, the same in the terminal, the run explorer and the dashboard.

/** An accuracy (a fraction) as a percentage, `–` when there is none. */
export function pct(v: number | null | undefined, digits = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '–';
}

export interface MeanStdFormat {
  /** Decimals of both figures (default 1). */
  digits?: number;
  /** Factor applied before printing: 100 (default) shows fractions as percentages, 1 shows plain values. */
  scale?: number;
  /** Appended to the text, e.g. `%` (default none: a table column says the unit once). */
  unit?: string;
}

/**
 * `98.9 ± 0.4`: mean ± sample std over seeds. Just the mean where the std is undefined (one seed): never
 * `± 0`, never `NaN`; `–` without any value.
 */
export function formatMeanStd(mean: number, std: number, format: MeanStdFormat = {}): string {
  const { digits = 1, scale = 100, unit = '' } = format;
  if (!Number.isFinite(mean)) return '–';
  const m = (scale * mean).toFixed(digits);
  return Number.isFinite(std) ? `${m} ± ${(scale * std).toFixed(digits)}${unit}` : `${m}${unit}`;
}

/** `1h 5m`, `3m 20s`, `42s`; `–` when unknown. */
export function compactDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${rest}s` : `${rest}s`;
}
