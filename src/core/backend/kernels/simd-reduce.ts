// Float32 sums as WebAssembly SIMD on the wasm backend's heap, for the Sum and Mean kernels (sum.ts). A
// contiguous set of reduced axes makes the input a [blocks, rows, cols] array summed over its rows:
//   - cols = 1 (the innermost axes: layer norm's means and variances, softmax denominators): `rowSums`, each
//     row summed in four f32x4 lanes (lane k takes elements k, k+4, …), the lanes added as (0+1)+(2+3), then
//     the last rowBytes mod 16 elements in order; four rows at a time, each with its own accumulator;
//   - cols > 1 (the leading axes: bias gradients): `columnSums`, each block's rows added in order into its
//     output row, four columns at a time, the last cols mod 4 as scalars; reading the input once in order.
// Both orders are fixed by the shape alone, so results are the same at every call (exact resume relies on it).

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
  memarg,
  moduleOnHeap,
  set,
  whileLoop,
  zero,
  type WasmFunction,
} from './wasm-assembler';

export interface SimdReduce {
  /** out[r] = Σ x[r, 0..], for `rows` rows of `rowBytes` (a multiple of 4); byte offsets into the heap. */
  rowSums(x: number, out: number, rows: number, rowBytes: number): void;
  /** out[b, j] = Σ over r of x[b, r, j], for `blocks` blocks of `rows` rows of `rowBytes` (a multiple of 4). */
  columnSums(x: number, out: number, blocks: number, rows: number, rowBytes: number): void;
  /** x[i] = x[i] / divisor in float32 (correctly rounded, as JS's division stored to float32), for the means. */
  divide(x: number, bytes: number, divisor: number): void;
}

const f32Load = [OP.f32Load, ...memarg(2)];
const f32Store = [OP.f32Store, ...memarg(2)];
const vLoad = [...V.load, ...memarg(2)];
const vStore = [...V.store, ...memarg(2)];
const below = (a: number, b: number) => [...get(a), ...get(b), OP.i32LtU];

function rowSumsFn(): WasmFunction {
  // params: x out rows rowBytes; locals: r, k (byte offset in the row), vecBytes, p (read pointer), end,
  // twoRows, threeRows (byte strides), four accumulators (rows are summed four at a time, each in its own
  // register: the same order per row as one at a time, without waiting on one add chain), s
  const [x, out, rows, rowBytes, r, k, vecBytes, p, end, twoRows, threeRows, acc0, s] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15,
  ];
  const rowStart = (q: number) =>
    q === 0 ? get(x) : [...get(x), ...get([rowBytes, twoRows, threeRows][q - 1]), OP.i32Add];
  const accumulate = (q: number) => [
    ...get(acc0 + q),
    ...rowStart(q),
    ...get(k),
    OP.i32Add,
    ...vLoad,
    ...V.add,
    ...set(acc0 + q),
  ];
  const lane = (q: number, l: number) => [...get(acc0 + q), ...V.extractLane, l];
  /** out[q] = (lanes (0+1)+(2+3) of row q's accumulator), then the row's last elements in order. */
  const finish = (q: number) => [
    ...lane(q, 0),
    ...lane(q, 1),
    OP.f32Add,
    ...lane(q, 2),
    ...lane(q, 3),
    OP.f32Add,
    OP.f32Add,
    ...set(s),
    ...rowStart(q),
    ...get(vecBytes),
    OP.i32Add,
    ...set(p),
    ...rowStart(q),
    ...get(rowBytes),
    OP.i32Add,
    ...set(end),
    ...whileLoop(below(p, end), [
      ...get(s),
      ...get(p),
      ...f32Load,
      OP.f32Add,
      ...set(s),
      ...addTo(p, i32(4)),
    ]),
    ...get(out),
    ...get(s),
    OP.f32Store,
    ...memarg(2, 4 * q),
  ];
  const sumRows = (count: number) => [
    ...Array.from({ length: count }, (_, q) => [...zero, ...set(acc0 + q)]).flat(),
    ...i32(0),
    ...set(k),
    ...whileLoop(below(k, vecBytes), [
      ...Array.from({ length: count }, (_, q) => accumulate(q)).flat(),
      ...addTo(k, i32(16)),
    ]),
    ...Array.from({ length: count }, (_, q) => finish(q)).flat(),
    ...addTo(x, count === 4 ? [...get(twoRows), ...get(twoRows), OP.i32Add] : get(rowBytes)),
    ...addTo(out, i32(4 * count)),
    ...addTo(r, i32(count)),
  ];
  return {
    name: 'rowSums',
    params: [I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, F32],
    body: [
      ...get(rowBytes),
      ...i32(-16),
      OP.i32And,
      ...set(vecBytes),
      ...get(rowBytes),
      ...get(rowBytes),
      OP.i32Add,
      ...set(twoRows),
      ...get(twoRows),
      ...get(rowBytes),
      OP.i32Add,
      ...set(threeRows),
      ...i32(0),
      ...set(r),
      ...whileLoop([...get(r), ...i32(3), OP.i32Add, ...get(rows), OP.i32LtU], sumRows(4)),
      ...whileLoop(below(r, rows), sumRows(1)),
    ],
  };
}

function columnSumsFn(): WasmFunction {
  // params: x out blocks rows rowBytes; locals: b, r, j (byte offset in the row), vecBytes
  const [x, out, blocks, rows, rowBytes, b, r, j, vecBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const at = (base: number) => [...get(base), ...get(j), OP.i32Add];
  const forColumns = (step: number, from: number[], to: number, body: number[]) => [
    ...from,
    ...set(j),
    ...whileLoop(below(j, to), [...body, ...addTo(j, i32(step))]),
  ];
  const clear = forColumns(4, i32(0), rowBytes, [...at(out), OP.f32Const, 0, 0, 0, 0, ...f32Store]);
  const addRow = [
    ...forColumns(16, i32(0), vecBytes, [
      ...at(out),
      ...at(out),
      ...vLoad,
      ...at(x),
      ...vLoad,
      ...V.add,
      ...vStore,
    ]),
    ...forColumns(4, get(vecBytes), rowBytes, [
      ...at(out),
      ...at(out),
      ...f32Load,
      ...at(x),
      ...f32Load,
      OP.f32Add,
      ...f32Store,
    ]),
    ...addTo(x, get(rowBytes)),
    ...addTo(r, i32(1)),
  ];
  const block = [
    ...clear,
    ...i32(0),
    ...set(r),
    ...whileLoop(below(r, rows), addRow),
    ...addTo(out, get(rowBytes)),
    ...addTo(b, i32(1)),
  ];
  return {
    name: 'columnSums',
    params: [I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32],
    body: [
      ...get(rowBytes),
      ...i32(-16),
      OP.i32And,
      ...set(vecBytes),
      ...i32(0),
      ...set(b),
      ...whileLoop(below(b, blocks), block),
    ],
  };
}

function divideFn(): WasmFunction {
  // params: x bytes divisor; locals: p, vecEnd, end, d (the divisor in every lane)
  const [x, bytes, divisor, p, vecEnd, end, d] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: 'divide',
    params: [I32, I32, F32],
    locals: [I32, I32, I32, V128],
    body: [
      ...get(divisor),
      ...V.splat,
      ...set(d),
      ...get(x),
      ...set(p),
      ...get(x),
      ...get(bytes),
      ...i32(-16),
      OP.i32And,
      OP.i32Add,
      ...set(vecEnd),
      ...get(x),
      ...get(bytes),
      OP.i32Add,
      ...set(end),
      ...whileLoop(below(p, vecEnd), [
        ...get(p),
        ...get(p),
        ...vLoad,
        ...get(d),
        ...V.div,
        ...vStore,
        ...addTo(p, i32(16)),
      ]),
      ...whileLoop(below(p, end), [
        ...get(p),
        ...get(p),
        ...f32Load,
        ...get(divisor),
        OP.f32Div,
        ...f32Store,
        ...addTo(p, i32(4)),
      ]),
    ],
  };
}

const FUNCTIONS = () => [rowSumsFn(), columnSumsFn(), divideFn()];

interface Exports {
  rowSums(x: number, out: number, rows: number, rowBytes: number): void;
  columnSums(x: number, out: number, blocks: number, rows: number, rowBytes: number): void;
  divide(x: number, bytes: number, divisor: number): void;
}

/** The sums on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory export. */
export const simdReduce = moduleOnHeap<Exports, SimdReduce>(FUNCTIONS, (e) => ({
  rowSums: (x, out, rows, rowBytes) => e.rowSums(x, out, rows, rowBytes),
  columnSums: (x, out, blocks, rows, rowBytes) => e.columnSums(x, out, blocks, rows, rowBytes),
  divide: (x, bytes, divisor) => e.divide(x, bytes, divisor),
}));

/** Exposed for the test that checks the module assembles and validates. */
export function assembleSimdReduceModule(): Uint8Array {
  return assemble(FUNCTIONS());
}
