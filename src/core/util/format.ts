// How figures read to a person, the same in the terminal, the run explorer and the dashboard.

/** An accuracy (a fraction) as a percentage, `–` when there is none. */
export function pct(v: number | null | undefined, digits = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '–';
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
