// Mean and standard deviation over seeds, with one rule everywhere (the run explorer, the seed comparison,
// `mla train`'s closing lines): the sample standard deviation (n − 1), as papers report over seeds. For one
// value it is undefined (NaN), so a single seed shows as its mean alone, never as "± 0".

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** NaN when n < 2, where the sample standard deviation is undefined. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

export interface MeanStd {
  /** NaN for no values. */
  mean: number;
  /** Sample standard deviation; NaN for fewer than two values. */
  std: number;
  n: number;
}

/** Non-finite values (a run without that figure) are left out, so `n` counts the values that exist. */
export function meanStd(values: readonly (number | null | undefined)[]): MeanStd {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return { mean: mean(numbers), std: sampleStd(numbers), n: numbers.length };
}
