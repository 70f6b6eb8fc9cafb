// Classification metrics on plain arrays (predictions and labels as class indices).

/** Index of the largest value of each row of a row-major [n, C] array; the first one on ties (as argmax). */
export function argmaxRows(values: Float32Array, n: number, classes: number): Int32Array {
  if (values.length !== n * classes) {
    throw new Error(`argmaxRows: ${values.length} values, expected ${n}×${classes}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[base + c] > values[base + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Fraction of samples with pred = label (micro accuracy). With `mask`, only samples whose mask is non-zero
 * count (e.g. those that have the modality). `null` when no sample counts, so "no data" is never read as 0%.
 */
export function accuracy(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  mask?: ArrayLike<number> | null,
): number | null {
  checkSameLength(pred, labels, 'accuracy');
  if (mask && mask.length !== labels.length) {
    throw new Error(`accuracy: mask has ${mask.length} values for ${labels.length} labels`);
  }
  let counted = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (mask && mask[i] === 0) continue;
    counted++;
    if (pred[i] === labels[i]) correct++;
  }
  return counted === 0 ? null : correct / counted;
}

/**
 * Macro F1 over all `classes` classes: mean of per-class F1 = 2TP / (2TP + FP + FN). A class with no true
 * and no predicted sample has an undefined F1; we count it as 0 and keep it in the mean. That is sklearn's
 * `f1_score(y, p, labels=range(C), average='macro', zero_division=0)`. We fix the class list rather than use
 * sklearn's default (only classes seen in y or p) so the denominator is the same C for every split and seed,
 * which keeps the numbers of different runs comparable.
 */
export function macroF1(pred: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  checkSameLength(pred, labels, 'macroF1');
  if (!Number.isInteger(classes) || classes < 1)
    throw new Error(`macroF1: classes must be ≥ 1, found ${classes}`);
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = pred[i];
    if (!(y >= 0 && y < classes))
      throw new Error(`macroF1: label ${y} at row ${i} is outside [0, ${classes})`);
    if (p === y) tp[y]++;
    else {
      if (p >= 0 && p < classes) fp[p]++;
      fn[y]++;
    }
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const denom = 2 * tp[c] + fp[c] + fn[c];
    sum += denom === 0 ? 0 : (2 * tp[c]) / denom;
  }
  return sum / classes;
}

/** −log softmax(z_i)[y_i] per row, by log-sum-exp (exact for large logits, no epsilon needed). */
export function crossEntropyRows(
  logits: Float32Array,
  labels: ArrayLike<number>,
  n: number,
  classes: number,
): Float32Array {
  if (logits.length !== n * classes) {
    throw new Error(`crossEntropyRows: ${logits.length} logits, expected ${n}×${classes}`);
  }
  if (labels.length !== n) throw new Error(`crossEntropyRows: ${labels.length} labels for ${n} rows`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - max);
    out[i] = max + Math.log(sum) - logits[base + labels[i]];
  }
  return out;
}

function checkSameLength(pred: ArrayLike<number>, labels: ArrayLike<number>, what: string): void {
  if (pred.length !== labels.length) {
    throw new Error(`${what}: ${pred.length} predictions for ${labels.length} labels`);
  }
}
