// How numbers read on the dashboard. Accuracies are fractions in the records and percentages on screen.

export { formatMeanStd, pct, compactDuration as duration } from '../../../src/shared/format';

export function num(v: number | null | undefined, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** Compact and exact enough for a tooltip: 4 significant digits, exponent notation for tiny/huge values. */
export function exact(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}
