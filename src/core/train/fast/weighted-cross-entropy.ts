// The softmax cross-entropy of a head whose loss is one weighted term of a sum (G-Blending's blend of a fused
// and per-modality losses): `softmaxCrossEntropyBackward` (mlp-pass.ts) with the gradient's scale given
// instead of 1/rows, and rows weighted in the gradient as well as in the sums.

const f = Math.fround;

/**
 * Adds the head bias to the logits z in place, then per row: the cross-entropy against y and whether the
 * arg-max hits y's, summed with the row's weight in `rowWeights` (1 when null); and into `dz` the gradient
 * δz = weight·scale·(softmax(z)·Σy − y).
 */
export function weightedCrossEntropyBackward(
  z: Float32Array,
  bias: Float32Array,
  y: Float32Array,
  dz: Float32Array,
  C: number,
  rowWeights: Float32Array | null,
  scale: number,
): { lossSum: number; correct: number } {
  const rows = z.length / C;
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const at = r * C;
    let max = -Infinity;
    let arg = 0;
    let yArg = 0;
    for (let j = 0; j < C; j++) {
      const v = f(z[at + j] + bias[j]);
      z[at + j] = v;
      if (v > max) {
        max = v;
        arg = j;
      }
      if (y[at + j] > y[at + yArg]) yArg = j;
    }
    let sumExp = 0;
    let ySum = 0;
    for (let j = 0; j < C; j++) {
      sumExp += Math.exp(z[at + j] - max);
      ySum += y[at + j];
    }
    const logSum = Math.log(sumExp);
    const w = rowWeights ? rowWeights[r] : 1;
    const g = w * scale;
    for (let j = 0; j < C; j++) {
      const shifted = z[at + j] - max;
      lossSum -= w * y[at + j] * (shifted - logSum);
      dz[at + j] = g * (Math.exp(shifted - logSum) * ySum - y[at + j]);
    }
    if (arg === yArg) correct += w;
  }
  return { lossSum: f(lossSum), correct };
}
