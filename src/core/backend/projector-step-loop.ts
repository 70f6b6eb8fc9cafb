// The arithmetic of HGM's projector update (mla/hgm.ts) as a float64 JS loop over float32 arrays: the cpu
// backend's form and the reference of the wasm form (kernels/hgm-update.ts), which computes every value in the
// same order, so both give the same float32 bits.

/**
 * out ← P − k kᵀ/(α + r·k) with k = P r, divided by its Frobenius norm; returns the squared norm, which the
 * caller checks (zero or non-finite: `out` holds no projector). P and out are d×d row-major, r has d values.
 * Each row's squares are summed first, then the rows in order (the order the wasm form keeps).
 */
export function projectorStepLoop(
  P: Float32Array,
  r: Float32Array,
  alpha: number,
  out: Float32Array,
): number {
  const d = r.length;
  const k = new Float64Array(d);
  let rk = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    const row = i * d;
    for (let j = 0; j < d; j++) s += P[row + j] * r[j];
    k[i] = s;
    rk += r[i] * s;
  }
  const denom = alpha + rk;
  // Two passes that compute each new entry the same way (so the same float64 value) instead of keeping a
  // d×d float64 copy: the copy's allocation and collection cost more than the arithmetic (profiled: 3x).
  let sumSq = 0;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    const ki = k[i] / denom;
    let rowSq = 0;
    for (let j = 0; j < d; j++) {
      const v = P[row + j] - ki * k[j];
      rowSq += v * v;
    }
    sumSq += rowSq;
  }
  const scale = 1 / Math.sqrt(sumSq);
  for (let i = 0; i < d; i++) {
    const row = i * d;
    const ki = k[i] / denom;
    for (let j = 0; j < d; j++) out[row + j] = (P[row + j] - ki * k[j]) * scale;
  }
  return sumSq;
}
