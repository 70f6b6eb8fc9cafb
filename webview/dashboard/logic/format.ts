// How numbers read on the dashboard. Accuracies are fractions in the records and percentages on screen.

export { pct, compactDuration as duration } from '../../../src/core/util/format';

export function num(v: number | null | undefined, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** Compact and exact enough for a tooltip: 4 significant digits, exponent notation for tiny/huge values. */
export function exact(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** `97.3 ± 0.4` (percent, no unit); just the mean for one seed; `–` without values. */
export function meanStdPct(mean: number, std: number, digits = 1): string {
  if (!Number.isFinite(mean)) return '–';
  const m = (100 * mean).toFixed(digits);
  return Number.isFinite(std) ? `${m} ± ${(100 * std).toFixed(digits)}` : m;
}
