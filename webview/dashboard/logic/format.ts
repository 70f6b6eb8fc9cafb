// How numbers read on the dashboard. Accuracies are fractions in the records and percentages on screen.

export function pct(v: number | null | undefined, digits = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '–';
}

export function num(v: number | null | undefined, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** Compact and exact enough for a tooltip: 4 significant digits, exponent notation for tiny/huge values. */
export function exact(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

export function duration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${rest}s` : `${rest}s`;
}

/** `97.3 ± 0.4` (percent, no unit); just the mean for one seed; `–` without values. */
export function meanStdPct(mean: number, std: number, digits = 1): string {
  if (!Number.isFinite(mean)) return '–';
  const m = (100 * mean).toFixed(digits);
  return Number.isFinite(std) ? `${m} ± ${(100 * std).toFixed(digits)}` : m;
}
