// The smoothing slider's curve: an exponential moving average with TensorBoard's debiasing, so the first
// points are not dragged towards zero. Missing values (NaN) stay missing and do not move the average.

/** `weight` in [0, 1): 0 returns the values unchanged; 0.9 averages over roughly the last 10 points. */
export function smoothEma(values: ArrayLike<number>, weight: number, length = values.length): Float64Array {
  const out = new Float64Array(length);
  if (!(weight > 0)) {
    for (let i = 0; i < length; i++) out[i] = values[i];
    return out;
  }
  let last = 0;
  let count = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = last / (1 - Math.pow(weight, count));
  }
  return out;
}
