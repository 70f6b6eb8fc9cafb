/** `v` rounded to `digits` decimals, for figures written to the run folder (seconds, rates). */
export function roundTo(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
