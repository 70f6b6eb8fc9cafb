// The fast-path training step's elementwise loops in plain JS over Float32Arrays: the cpu backend's form, and the
// wasm form's fallback and tail (kernels/simd-loops.ts does the bulk there). Each starts at element `from`.
// The arithmetic follows the tf ops of the autodiff path in the same order, rounded to float32 after each
// operation, so both paths agree to the last bit or two.

const f = Math.fround;

export interface SgdConstants {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/** torch SGD with momentum: g' = g + p·wd; vOut = v·μ + g'; pOut = p − lr·(nesterov ? g' + vOut·μ : vOut). */
export function sgdLoop(
  p: Float32Array,
  g: Float32Array,
  v: Float32Array,
  pOut: Float32Array,
  vOut: Float32Array,
  c: SgdConstants,
  from: number,
): void {
  const lr = f(c.lr);
  const mu = f(c.momentum);
  const wd = f(c.weightDecay);
  for (let i = from; i < p.length; i++) {
    const pi = p[i];
    const gi = f(g[i] + f(pi * wd));
    const vi = f(f(v[i] * mu) + gi);
    vOut[i] = vi;
    const u = c.nesterov ? f(gi + f(vi * mu)) : vi;
    pOut[i] = f(pi - f(u * lr));
  }
}

/** torch SGD without momentum (no buffer): pOut = p − lr·(g + p·wd). */
export function sgdPlainLoop(p: Float32Array, g: Float32Array, pOut: Float32Array, c: SgdConstants): void {
  const lr = f(c.lr);
  const wd = f(c.weightDecay);
  for (let i = 0; i < p.length; i++) {
    const gi = wd !== 0 ? f(g[i] + f(p[i] * wd)) : g[i];
    pOut[i] = f(p[i] - f(gi * lr));
  }
}

/** a ← relu(a + b)·m, row by row (b has one row's values; m, if any, the whole buffer's). */
export function biasReluMaskLoop(
  a: Float32Array,
  b: Float32Array,
  m: Float32Array | null,
  from: number,
): void {
  const n = b.length;
  for (let i = from; i < a.length; i++) {
    const v = f(a[i] + b[i % n]);
    a[i] = v > 0 ? (m ? f(v * m[i]) : v) : 0;
  }
}

/** δ ← δ·m where h > 0, else 0. */
export function reluMaskBackwardLoop(
  d: Float32Array,
  h: Float32Array,
  m: Float32Array | null,
  from: number,
): void {
  for (let i = from; i < d.length; i++) d[i] = h[i] > 0 ? (m ? f(d[i] * m[i]) : d[i]) : 0;
}

/** out[j] = Σ over rows of x[row, j], accumulated in float32 (as the Sum kernel). */
export function columnSumsLoop(x: Float32Array, out: Float32Array): void {
  const n = out.length;
  out.fill(0);
  for (let i = 0; i < x.length; i += n) for (let j = 0; j < n; j++) out[j] = f(out[j] + x[i + j]);
}
