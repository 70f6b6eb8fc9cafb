// The HGM projector's update (mla/hgm.ts `updateProjector`) as a WebAssembly function on the wasm backend's
// heap: the same float64 arithmetic in the same order, so the same float32 bits, at a third of the JS loop's
// time (≈ 0.2 ms a step, 138 steps an epoch on handwritten: docs/performance.md, "HGM projector"). The speed comes
// from the rows: four at a time, four independent sums in flight where the JS loop waits on one chain (the
// order within each row's sum is kept, which is what makes the bits the same). Scalar wasm, no SIMD: it
// runs wherever the backend's memory is reachable.

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  F64,
  I32,
  OP,
  addTo,
  f64Const,
  get,
  i32,
  memarg,
  moduleOnHeap,
  set,
  whileLoop,
  type WasmFunction,
} from './wasm-assembler';

export interface HgmUpdateKernel {
  /**
   * out ← the Frobenius-normalised RLS step of P with r (`updateProjector`), for a d×d float32 P at byte
   * offset `P`, d float32 values at `r`, a scratch of d float64 at `k` (8-byte aligned) and a d×d float32
   * `out`; returns ‖P − k kᵀ/(α + r·k)‖²_F, which the caller checks before it uses `out`.
   */
  update(P: number, r: number, k: number, out: number, d: number, alpha: number): number;
}

/** Rows per group: four sums in flight cover the float64 add's latency on the machines measured. */
const ROWS = 4;

// params
const [P, R, K, OUT, D, ALPHA] = [0, 1, 2, 3, 4, 5];
// i32 locals: bytes of a row, the row index, the byte offset in a row, then one address per row of a group
const [ROW_BYTES, ROW, J] = [6, 7, 8];
const rowAddress = (m: number) => 9 + m;
// f64 locals
const F64_BASE = 9 + ROWS;
const sum = (m: number) => F64_BASE + m;
const [RK, DENOM, SUM_SQ, SCALE, RJ, V_] = [0, 1, 2, 3, 4, 5].map((n) => F64_BASE + ROWS + n);
const ki = (m: number) => F64_BASE + ROWS + 6 + m;
const F64_LOCALS = ROWS + 6 + ROWS;

const f64Zero = f64Const(0);
/** float32 at the sum of two i32 locals, promoted to float64. */
const f32At = (a: number, b: number) => [
  ...get(a),
  ...get(b),
  OP.i32Add,
  OP.f32Load,
  ...memarg(2),
  OP.f64PromoteF32,
];
/** The i32 address `base` + (row + m)·`scale` bytes. */
const rowOffset = (base: number, m: number, scale: number[]) => [
  ...get(base),
  ...get(ROW),
  ...i32(m),
  OP.i32Add,
  ...scale,
  OP.i32Mul,
  OP.i32Add,
];
/** float64 k[row + m]. */
const kOfRow = (m: number) => [...rowOffset(K, m, i32(8)), OP.f64Load, ...memarg(3)];
/** float64 k[j / 4]: j is a float32 byte offset, k's entries are 8 bytes. */
const kAtJ = [...get(K), ...get(J), ...get(J), OP.i32Add, OP.i32Add, OP.f64Load, ...memarg(3)];

/** `for (j = 0; j < rowBytes; j += 4) body`. */
const overRow = (body: number[]) => [
  ...i32(0),
  ...set(J),
  ...whileLoop([...get(J), ...get(ROW_BYTES), OP.i32LtU], [...body, ...addTo(J, i32(4))]),
];

/**
 * Runs `group(n)` over the rows of `base` in groups of ROWS, then one at a time, with the addresses of the
 * group's rows in `rowAddress(m)`.
 */
function overRows(base: number, group: (n: number) => number[]): number[] {
  const pass = (n: number) =>
    whileLoop(
      [...get(ROW), ...i32(n), OP.i32Add, ...get(D), OP.i32LeU],
      [
        ...Array.from({ length: n }, (_, m) => [
          ...rowOffset(base, m, get(ROW_BYTES)),
          ...set(rowAddress(m)),
        ]).flat(),
        ...group(n),
        ...addTo(ROW, i32(n)),
      ],
    );
  return [...i32(0), ...set(ROW), ...pass(ROWS), ...pass(1)];
}

const each = (n: number, f: (m: number) => number[]) => Array.from({ length: n }, (_, m) => f(m)).flat();

/** k[i] = Σⱼ P[i, j]·r[j] in j's order; rk = Σᵢ r[i]·k[i] in i's order. */
const projectRows = (n: number) => [
  ...each(n, (m) => [...f64Zero, ...set(sum(m))]),
  ...overRow([
    ...f32At(R, J),
    ...set(RJ),
    ...each(n, (m) => [
      ...get(sum(m)),
      ...f32At(rowAddress(m), J),
      ...get(RJ),
      OP.f64Mul,
      OP.f64Add,
      ...set(sum(m)),
    ]),
  ]),
  ...each(n, (m) => [
    ...rowOffset(K, m, i32(8)),
    ...get(sum(m)),
    OP.f64Store,
    ...memarg(3),
    ...get(RK),
    ...rowOffset(R, m, i32(4)),
    OP.f32Load,
    ...memarg(2),
    OP.f64PromoteF32,
    ...get(sum(m)),
    OP.f64Mul,
    OP.f64Add,
    ...set(RK),
  ]),
];

/** ki = k[i] / denom for the group's rows. */
const rowFactors = (n: number) => each(n, (m) => [...kOfRow(m), ...get(DENOM), OP.f64Div, ...set(ki(m))]);

/** v = P[i, j] − ki·k[j], left on the stack. */
const updated = (m: number) => [...f32At(rowAddress(m), J), ...get(ki(m)), ...kAtJ, OP.f64Mul, OP.f64Sub];

/** Each row's Σⱼ v² in j's order, added to sumSq in row order. */
const squareRows = (n: number) => [
  ...rowFactors(n),
  ...each(n, (m) => [...f64Zero, ...set(sum(m))]),
  ...overRow(
    each(n, (m) => [
      ...updated(m),
      ...set(V_),
      ...get(sum(m)),
      ...get(V_),
      ...get(V_),
      OP.f64Mul,
      OP.f64Add,
      ...set(sum(m)),
    ]),
  ),
  ...each(n, (m) => [...get(SUM_SQ), ...get(sum(m)), OP.f64Add, ...set(SUM_SQ)]),
];

/** out[i, j] = float32(v·scale); out's row is at the same distance from `out` as P's from `P`. */
const writeRows = (n: number) => [
  ...rowFactors(n),
  ...overRow(
    each(n, (m) => [
      ...get(rowAddress(m)),
      ...get(P),
      OP.i32Sub,
      ...get(OUT),
      OP.i32Add,
      ...get(J),
      OP.i32Add,
      ...updated(m),
      ...get(SCALE),
      OP.f64Mul,
      OP.f32DemoteF64,
      OP.f32Store,
      ...memarg(2),
    ]),
  ),
];

function updateFn(): WasmFunction {
  return {
    name: 'update',
    params: [I32, I32, I32, I32, I32, F64],
    locals: [...Array<number>(3 + ROWS).fill(I32), ...Array<number>(F64_LOCALS).fill(F64)],
    results: [F64],
    body: [
      ...get(D),
      ...i32(4),
      OP.i32Mul,
      ...set(ROW_BYTES),
      ...f64Zero,
      ...set(RK),
      ...overRows(P, projectRows),
      ...get(ALPHA),
      ...get(RK),
      OP.f64Add,
      ...set(DENOM),
      ...f64Zero,
      ...set(SUM_SQ),
      ...overRows(P, squareRows),
      // scale = 1 / √sumSq, as the JS loop computes it
      ...f64Const(1),
      ...get(SUM_SQ),
      OP.f64Sqrt,
      OP.f64Div,
      ...set(SCALE),
      ...overRows(P, writeRows),
      ...get(SUM_SQ),
    ],
  };
}

const onHeap = moduleOnHeap<HgmUpdateKernel, HgmUpdateKernel>(
  () => [updateFn()],
  (e) => e,
);

let enabled = true;

/** Puts the kernel on or off (the JS loop) for a before/after in one run (scripts/bench-epochs-ab.ts). */
export function setHgmUpdateKernel(on: boolean): void {
  enabled = on;
}

/** The kernel on `backend`'s memory, or null: switched off, or the memory is out of reach (then the JS loop runs). */
export function hgmUpdateKernel(backend: BackendWasm): HgmUpdateKernel | null {
  return enabled ? onHeap(backend) : null;
}
