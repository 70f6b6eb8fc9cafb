// LayerNorm over rows whose width is a multiple of 4, forward and backward, as WebAssembly SIMD passes over the
// wasm backend's heap (layer-norm.ts calls them; it does other widths in plain loops). Row statistics are
// float32 sums in four lanes, as the composed stock ops sum; dγ and dβ accumulate over rows in place, so the
// caller zeroes them first. Functions take byte offsets into the heap.
import {
  F32,
  I32,
  OP,
  V,
  V128,
  addTo,
  assemble,
  get,
  i32,
  loadFrom,
  moduleOnHeap,
  set,
  storeTo,
  whileLoop,
  zero,
} from './wasm-assembler';
import type { WasmFunction } from './wasm-assembler';

/** The sum of a v128 local's four lanes, as an f32 on the stack. */
const lanesSum = (v: number) => [
  ...get(v),
  ...V.extractLane,
  0,
  ...[1, 2, 3].flatMap((l) => [...get(v), ...V.extractLane, l, OP.f32Add]),
];

/** `for (j = 0; j < rowBytes; j += 16) body`. */
const overRow = (j: number, rowBytes: number, body: number[]) => [
  ...i32(0),
  ...set(j),
  ...whileLoop([...get(j), ...get(rowBytes), OP.i32LtU], [...body, ...addTo(j, i32(16))]),
];

/** `for (base = 0; base < bytes; base += rowBytes) body`. */
const overRows = (base: number, bytes: number, rowBytes: number, body: number[]) => [
  ...i32(0),
  ...set(base),
  ...whileLoop([...get(base), ...get(bytes), OP.i32LtU], [...body, ...addTo(base, get(rowBytes))]),
];

interface StatsLocals {
  x: number;
  base: number;
  j: number;
  rowBytes: number;
  eps: number;
  dim: number;
  acc: number;
  d: number;
  mean: number;
  rstd: number;
}

/** Sets mean (splat) and rstd = 1/√(biased variance + ε) (splat) of the row at x + base. */
function rowStats(l: StatsLocals): number[] {
  return [
    ...zero,
    ...set(l.acc),
    ...overRow(l.j, l.rowBytes, [...get(l.acc), ...loadFrom(l.x, l.base, l.j), ...V.add, ...set(l.acc)]),
    ...lanesSum(l.acc),
    ...get(l.dim),
    OP.f32Div,
    ...V.splat,
    ...set(l.mean),
    ...zero,
    ...set(l.acc),
    ...overRow(l.j, l.rowBytes, [
      ...loadFrom(l.x, l.base, l.j),
      ...get(l.mean),
      ...V.sub,
      ...set(l.d),
      ...get(l.acc),
      ...get(l.d),
      ...get(l.d),
      ...V.mul,
      ...V.add,
      ...set(l.acc),
    ]),
    OP.f32Const,
    ...new Uint8Array(new Float32Array([1]).buffer),
    ...lanesSum(l.acc),
    ...get(l.dim),
    OP.f32Div,
    ...get(l.eps),
    OP.f32Add,
    OP.f32Sqrt,
    OP.f32Div,
    ...V.splat,
    ...set(l.rstd),
  ];
}

/** (x − mean)·rstd for the element vector at x + base + j. */
const normalised = (l: StatsLocals) => [
  ...loadFrom(l.x, l.base, l.j),
  ...get(l.mean),
  ...V.sub,
  ...get(l.rstd),
  ...V.mul,
];

function forwardFn(): WasmFunction {
  // params: x gamma beta y bytes rowBytes eps dim; locals: base j | acc d mean rstd
  const [x, gamma, beta, y, bytes, rowBytes, eps, dim, base, j] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const l: StatsLocals = { x, base, j, rowBytes, eps, dim, acc: 10, d: 11, mean: 12, rstd: 13 };
  return {
    name: 'forward',
    params: [I32, I32, I32, I32, I32, I32, F32, F32],
    locals: [I32, I32, V128, V128, V128, V128],
    body: overRows(base, bytes, rowBytes, [
      ...rowStats(l),
      ...overRow(
        j,
        rowBytes,
        storeTo(
          [y, base, j],
          [...normalised(l), ...loadFrom(gamma, j), ...V.mul, ...loadFrom(beta, j), ...V.add],
        ),
      ),
    ]),
  };
}

function backwardFn(): WasmFunction {
  // params: dy x gamma dx dGamma dBeta bytes rowBytes eps dim; locals: base j | acc d mean rstd acc2 xh g m1 m2
  const [dy, x, gamma, dx, dGamma, dBeta, bytes, rowBytes, eps, dim, base, j] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ];
  const l: StatsLocals = { x, base, j, rowBytes, eps, dim, acc: 12, d: 13, mean: 14, rstd: 15 };
  const [acc2, xh, g, m1, m2] = [16, 17, 18, 19, 20];
  const meanOf = (v: number) => [...lanesSum(v), ...get(dim), OP.f32Div, ...V.splat];
  return {
    name: 'backward',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32],
    locals: [I32, I32, ...Array<number>(9).fill(V128)],
    body: overRows(base, bytes, rowBytes, [
      ...rowStats(l),
      ...zero,
      ...set(l.acc),
      ...zero,
      ...set(acc2),
      // ĝ = dy·γ; Σĝ, Σĝ·x̂ over the row; dγ += dy·x̂, dβ += dy
      ...overRow(j, rowBytes, [
        ...loadFrom(dy, base, j),
        ...set(l.d),
        ...normalised(l),
        ...set(xh),
        ...get(l.d),
        ...loadFrom(gamma, j),
        ...V.mul,
        ...set(g),
        ...get(l.acc),
        ...get(g),
        ...V.add,
        ...set(l.acc),
        ...get(acc2),
        ...get(g),
        ...get(xh),
        ...V.mul,
        ...V.add,
        ...set(acc2),
        ...storeTo([dGamma, j], [...loadFrom(dGamma, j), ...get(l.d), ...get(xh), ...V.mul, ...V.add]),
        ...storeTo([dBeta, j], [...loadFrom(dBeta, j), ...get(l.d), ...V.add]),
      ]),
      ...meanOf(l.acc),
      ...set(m1),
      ...meanOf(acc2),
      ...set(m2),
      // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
      ...overRow(
        j,
        rowBytes,
        storeTo(
          [dx, base, j],
          [
            ...loadFrom(dy, base, j),
            ...loadFrom(gamma, j),
            ...V.mul,
            ...get(m1),
            ...V.sub,
            ...normalised(l),
            ...get(m2),
            ...V.mul,
            ...V.sub,
            ...get(l.rstd),
            ...V.mul,
          ],
        ),
      ),
    ]),
  };
}

const FUNCTIONS = () => [forwardFn(), backwardFn()];

export interface SimdLayerNorm {
  forward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    bytes: number,
    rowBytes: number,
    eps: number,
    dim: number,
  ): void;
  backward(
    dy: number,
    x: number,
    gamma: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    bytes: number,
    rowBytes: number,
    eps: number,
    dim: number,
  ): void;
}

/** The passes on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const simdLayerNorm = moduleOnHeap<SimdLayerNorm, SimdLayerNorm>(FUNCTIONS, (e) => ({
  forward: (...args) => e.forward(...args),
  backward: (...args) => e.backward(...args),
}));

/** Exposed for the test that checks the module assembles and validates. */
export function assembleSimdLayerNormModule(): Uint8Array {
  return assemble(FUNCTIONS());
}
