// Float32 matrix products as WebAssembly SIMD on the wasm backend's heap, without packing: C = A·B and C = Aᵀ·B
// for row-major A, B, C. The stock path (XNNPACK through tfjs) packs B into its own layout at every call, and in
// training B is new at every call (updated weights, fresh activations): at these sizes the packing took as long
// as the multiply. Here each 4 × 8 tile of C keeps its sums in 8 f32x4 registers while the loop walks K,
// reading 8 elements of a row of B (two f32x4) and 4 of A (splat) per step: 32 multiply-adds per 6 loads, no copy.
//
// Every C element is summed over k in order 0..K-1 in float32 whatever tile computes it, so results do not
// depend on where a row or column falls in the tiling. The 'fma' variant (simd-variant.ts) rounds each vector
// multiply-add once; the scalar last columns still round twice (wasm has no scalar FMA), so under it results
// match a float64 reference within K·ε instead of the float32 loop bit for bit.

import {
  I32,
  F32,
  OP,
  V,
  V128,
  addTo,
  assemble,
  get,
  i32,
  moduleOnHeap,
  memarg,
  set,
  tee,
  when,
  whileLoop,
  zero,
  VOID,
  type WasmFunction,
} from './wasm-assembler';
import { multiplyAdd, simdVariant, type SimdVariantName } from './simd-variant';

export interface SimdGemm {
  /** C[M,N] = A[M,K]·B[K,N] (transposeA false) or Aᵀ·B with A stored [K,M]; byte offsets into the heap. */
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, transposeA: boolean): void;
  /** dst[C,R] = srcᵀ for src [R,C], both multiples of 4 (4 × 4 blocks through registers). */
  transpose4(src: number, dst: number, rows: number, cols: number): void;
}

// Locals of the gemm functions: the strided form's parameters first (the plain form computes LDA, LDB, LDC
// from M, K, N and leaves ACCUM 0), then i32 scratch, then v128, then f32.
const [A, B, C, M, K, N, LDA, LDB, LDC, ACCUM] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [ROW, JB, PA, PB, PB_END, LDA2, LDA3, LDC2, LDC3, ROW_A, ROW_C, PC, N_BYTES] = [
  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
];
const PLAIN_PARAMS = 6;
const STRIDED_PARAMS = 10;
const I32_END = 23;
const V_ACC = 23; // 8 accumulators: V_ACC + r·2 + v
const V_B = 31; // 2 rows of B
const V_A = 33; // 4 consecutive elements of the stored A (TN)
const V_S = 34; // one A value in every lane
const V_LOCALS = 12;
const F_ACC = 35; // 4 scalar accumulators for the last columns
const F_B = 39;
const F_A = 40;
const F_LOCALS = 6;

/** `local + k·stride` for the row offsets 0..3 (stride locals for rows 2 and 3 are precomputed). */
function rowOffset(base: number, r: number, one: number, two: number, three: number): number[] {
  if (r === 0) return get(base);
  return [...get(base), ...get([one, two, three][r - 1]), OP.i32Add];
}

/**
 * One tile: rows ROW_A.. (mr of them) × columns JB.. (4·nv of them; nv = 0: one column, scalar), over all of K,
 * stored into C (added to what C holds when ACCUM is set, which continues each element's ordered sum). NN: A's
 * rows are LDA apart and a k step moves 4 bytes along them. TN (A stored [K, M]): a k step moves A by LDA, and
 * the tile's rows are consecutive elements there, loaded as one vector when mr is 4.
 */
function tile(mr: number, nv: number, transA: boolean, variant: SimdVariantName): number[] {
  const scalar = nv === 0;
  const lanes = scalar ? 1 : nv;
  const acc = (r: number, v: number) => (scalar ? F_ACC + r : V_ACC + r * 2 + v);
  const bOf = (v: number) => (scalar ? F_B : V_B + v);
  const cAt = (r: number, v: number) => [
    ...rowOffset(PC, r, LDC, LDC2, LDC3),
    ...(scalar ? [OP.f32Load, ...memarg(2)] : [...V.load, ...memarg(2, 16 * v)]),
  ];
  const out: number[] = [];
  // C row r of the tile starts at PC + r·LDC.
  out.push(...get(ROW_C), ...get(JB), OP.i32Add, ...set(PC));
  // Scalar zero as f32.convert_i32_s(0) (0xb2), which spares the 4-byte f32.const immediate.
  const zeroOf = scalar ? [OP.i32Const, 0, 0xb2] : zero;
  const starts: number[] = [];
  const zeros: number[] = [];
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < lanes; v++) {
      starts.push(...cAt(r, v), ...set(acc(r, v)));
      zeros.push(...zeroOf, ...set(acc(r, v)));
    }
  }
  out.push(...get(ACCUM), OP.if, VOID, ...starts, OP.else, ...zeros, OP.end);
  out.push(...get(ROW_A), ...set(PA), ...get(B), ...get(JB), OP.i32Add, ...set(PB));
  out.push(...get(PB), ...get(K), ...get(LDB), OP.i32Mul, OP.i32Add, ...set(PB_END));

  const body: number[] = [];
  for (let v = 0; v < lanes; v++) {
    body.push(...get(PB), ...(scalar ? [OP.f32Load, ...memarg(2)] : [...V.load, ...memarg(2, 16 * v)]));
    body.push(...set(bOf(v)));
  }
  const vectorA = transA && mr === 4 && !scalar;
  if (vectorA) body.push(...get(PA), ...V.load, ...memarg(2), ...set(V_A));
  for (let r = 0; r < mr; r++) {
    let aValue: number[];
    if (scalar) {
      aValue = transA
        ? [...get(PA), OP.f32Load, ...memarg(2, 4 * r)]
        : [...rowOffset(PA, r, LDA, LDA2, LDA3), OP.f32Load, ...memarg(2)];
    } else if (vectorA) {
      // Lane r of A's 4 elements, in all four lanes.
      const lane = [4 * r, 4 * r + 1, 4 * r + 2, 4 * r + 3];
      aValue = [...get(V_A), ...get(V_A), ...V.shuffle, ...lane, ...lane, ...lane, ...lane];
    } else {
      // NN rows are LDA apart; in TN the tile's rows are consecutive elements from PA.
      aValue = transA
        ? [...get(PA), ...V.load32Splat, ...memarg(2, 4 * r)]
        : [...rowOffset(PA, r, LDA, LDA2, LDA3), ...V.load32Splat, ...memarg(2)];
    }
    body.push(...aValue, ...set(scalar ? F_A : V_S));
    for (let v = 0; v < lanes; v++) {
      const [sum, a, b] = [get(acc(r, v)), get(scalar ? F_A : V_S), get(bOf(v))];
      body.push(...(scalar ? [...sum, ...a, ...b, OP.f32Mul, OP.f32Add] : multiplyAdd(variant, a, b, sum)));
      body.push(...set(acc(r, v)));
    }
  }
  body.push(...addTo(PA, transA ? get(LDA) : i32(4)), ...addTo(PB, get(LDB)));
  out.push(...whileLoop([...get(PB), ...get(PB_END), OP.i32LtU], body));

  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < lanes; v++) {
      out.push(...rowOffset(PC, r, LDC, LDC2, LDC3), ...get(acc(r, v)));
      out.push(...(scalar ? [OP.f32Store, ...memarg(2)] : [...V.store, ...memarg(2, 16 * v)]));
    }
  }
  return out;
}

/** All column tiles of the mr rows at ROW: 8 columns at a time, then 4, then one by one. */
function panel(mr: number, transA: boolean, variant: SimdVariantName): number[] {
  return [
    // ROW_A: A's first element of the panel; ROW_C: C's first row of the panel.
    ...get(A),
    ...get(ROW),
    ...(transA ? i32(4) : get(LDA)),
    OP.i32Mul,
    OP.i32Add,
    ...set(ROW_A),
    ...get(C),
    ...get(ROW),
    ...get(LDC),
    OP.i32Mul,
    OP.i32Add,
    ...set(ROW_C),
    ...i32(0),
    ...set(JB),
    ...whileLoop(
      [...get(JB), ...i32(32), OP.i32Add, ...get(N_BYTES), OP.i32LeU],
      [...tile(mr, 2, transA, variant), ...addTo(JB, i32(32))],
    ),
    ...when(
      [...get(JB), ...i32(16), OP.i32Add, ...get(N_BYTES), OP.i32LeU],
      [...tile(mr, 1, transA, variant), ...addTo(JB, i32(16))],
    ),
    ...whileLoop(
      [...get(JB), ...get(N_BYTES), OP.i32LtU],
      [...tile(mr, 0, transA, variant), ...addTo(JB, i32(4))],
    ),
  ];
}

/** Every panel of C: 4 rows at a time, then 2, then the last one, with the stride locals set. */
function gemmBody(transA: boolean, variant: SimdVariantName): number[] {
  const times = (x: number, k: number) => [...get(x), ...i32(k), OP.i32Mul];
  return [
    ...times(LDA, 2),
    ...set(LDA2),
    ...times(LDA, 3),
    ...set(LDA3),
    ...times(LDC, 2),
    ...set(LDC2),
    ...times(LDC, 3),
    ...set(LDC3),
    ...times(N, 4),
    ...set(N_BYTES),
    ...i32(0),
    ...set(ROW),
    ...whileLoop(
      [...get(ROW), ...i32(4), OP.i32Add, ...get(M), OP.i32LeU],
      [...panel(4, transA, variant), ...addTo(ROW, i32(4))],
    ),
    ...when(
      [...get(ROW), ...i32(2), OP.i32Add, ...get(M), OP.i32LeU],
      [...panel(2, transA, variant), ...addTo(ROW, i32(2))],
    ),
    ...when([...get(ROW), ...get(M), OP.i32LtU], [...panel(1, transA, variant)]),
  ];
}

function gemmLocals(params: number): number[] {
  return [
    ...Array<number>(I32_END - params).fill(I32),
    ...Array<number>(V_LOCALS).fill(V128),
    ...Array<number>(F_LOCALS).fill(F32),
  ];
}

/** C = op(A)·B for compact row-major operands: the row strides follow from M, K, N. */
function gemmFn(transA: boolean, variant: SimdVariantName): WasmFunction {
  return {
    name: transA ? 'gemmTN' : 'gemmNN',
    params: Array<number>(PLAIN_PARAMS).fill(I32),
    locals: gemmLocals(PLAIN_PARAMS),
    body: [
      // LDA: bytes between A's rows as stored (K floats for A, M for the stored [K, M] of Aᵀ).
      ...get(transA ? M : K),
      ...i32(4),
      OP.i32Mul,
      ...set(LDA),
      ...get(N),
      ...i32(4),
      OP.i32Mul,
      ...tee(LDB),
      ...set(LDC),
      ...gemmBody(transA, variant),
    ],
  };
}

/**
 * gemm{NN,TN}Strided(a, b, c, m, k, n, lda, ldb, ldc, accumulate): the same product with the bytes between
 * stored rows of A, B and C given, so operands can be windows of larger buffers (im2col patches read in
 * place); with `accumulate` set, C += op(A)·B, continuing each element's ordered sum over k.
 */
export function stridedGemmFn(transA: boolean, variant: SimdVariantName): WasmFunction {
  return {
    name: transA ? 'gemmTNStrided' : 'gemmNNStrided',
    params: Array<number>(STRIDED_PARAMS).fill(I32),
    locals: gemmLocals(STRIDED_PARAMS),
    body: gemmBody(transA, variant),
  };
}

// transpose4(src, dst, rows, cols): locals i (row, bytes of dst column), j, the 4 loaded rows, 4 mixed.
function transpose4Fn(): WasmFunction {
  const [src, dst, rows, cols, i, j, rowBytes, colBytes, p, q] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [r0, r1, r2, r3, t0, t1, t2, t3] = [10, 11, 12, 13, 14, 15, 16, 17];
  // 4 × 4 transpose: t0 = (r0[0], r1[0], r0[1], r1[1]) … by two rounds of interleaving shuffles.
  const shuf = (x: number, y: number, lanes: number[]) => [
    ...get(x),
    ...get(y),
    ...V.shuffle,
    ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ];
  const lo = [0, 4, 1, 5];
  const hi = [2, 6, 3, 7];
  const lo64 = [0, 1, 4, 5];
  const hi64 = [2, 3, 6, 7];
  const at = (base: number, k: number, stride: number) =>
    k === 0 ? get(base) : [...get(base), ...get(stride), ...i32(k), OP.i32Mul, OP.i32Add];
  const block = [
    // p: src element (i, j); q: dst element (j, i)
    ...get(src),
    ...get(i),
    ...get(colBytes),
    OP.i32Mul,
    OP.i32Add,
    ...get(j),
    ...i32(4),
    OP.i32Mul,
    OP.i32Add,
    ...set(p),
    ...get(dst),
    ...get(j),
    ...get(rowBytes),
    OP.i32Mul,
    OP.i32Add,
    ...get(i),
    ...i32(4),
    OP.i32Mul,
    OP.i32Add,
    ...set(q),
    ...[r0, r1, r2, r3].flatMap((r, k) => [...at(p, k, colBytes), ...V.load, ...memarg(2), ...set(r)]),
    ...shuf(r0, r1, lo),
    ...set(t0),
    ...shuf(r0, r1, hi),
    ...set(t1),
    ...shuf(r2, r3, lo),
    ...set(t2),
    ...shuf(r2, r3, hi),
    ...set(t3),
    ...at(q, 0, rowBytes),
    ...shuf(t0, t2, lo64),
    ...V.store,
    ...memarg(2),
    ...at(q, 1, rowBytes),
    ...shuf(t0, t2, hi64),
    ...V.store,
    ...memarg(2),
    ...at(q, 2, rowBytes),
    ...shuf(t1, t3, lo64),
    ...V.store,
    ...memarg(2),
    ...at(q, 3, rowBytes),
    ...shuf(t1, t3, hi64),
    ...V.store,
    ...memarg(2),
  ];
  return {
    name: 'transpose4',
    params: [I32, I32, I32, I32],
    locals: [...Array<number>(6).fill(I32), ...Array<number>(8).fill(V128)],
    body: [
      ...get(rows),
      ...i32(4),
      OP.i32Mul,
      ...set(rowBytes),
      ...get(cols),
      ...i32(4),
      OP.i32Mul,
      ...set(colBytes),
      ...i32(0),
      ...set(i),
      ...whileLoop(
        [...get(i), ...get(rows), OP.i32LtU],
        [
          ...i32(0),
          ...set(j),
          ...whileLoop([...get(j), ...get(cols), OP.i32LtU], [...block, ...addTo(j, i32(4))]),
          ...addTo(i, i32(4)),
        ],
      ),
    ],
  };
}

const FUNCTIONS = (variant: SimdVariantName): WasmFunction[] => [
  gemmFn(false, variant),
  gemmFn(true, variant),
  transpose4Fn(),
];

interface Exports {
  gemmNN(a: number, b: number, c: number, m: number, k: number, n: number): void;
  gemmTN(a: number, b: number, c: number, m: number, k: number, n: number): void;
  transpose4(src: number, dst: number, rows: number, cols: number): void;
}

/** The products on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const simdGemm = moduleOnHeap<Exports, SimdGemm>(
  () => FUNCTIONS(simdVariant().name),
  (e) => ({
    gemm: (a, b, c, m, k, n, transposeA) => (transposeA ? e.gemmTN : e.gemmNN)(a, b, c, m, k, n),
    transpose4: (src, dst, rows, cols) => e.transpose4(src, dst, rows, cols),
  }),
);

/** Exposed for the tests that check the module assembles and validates, and run it in a variant. */
export function assembleGemmModule(variant: SimdVariantName = 'plain'): Uint8Array {
  return assemble(FUNCTIONS(variant));
}
