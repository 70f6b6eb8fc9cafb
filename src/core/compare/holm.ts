// Holm's step-down correction: one table tests every row against the reference, so the chance of at least
// one false "significant" grows with the rows; Holm controls it and is uniformly stronger than Bonferroni.

/** Adjusted p-values, in the order given: the k-th smallest p times (m − k + 1), kept monotone, capped at 1. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
