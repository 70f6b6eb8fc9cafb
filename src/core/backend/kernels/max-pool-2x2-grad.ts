// The gradient of a 2×2, stride-2 max-pool (the conv encoders' pool, model/layers/pool.ts) as WebAssembly SIMD
// on the heap, four channels at a time: per window, f32x4 comparisons in window order (0,0), (0,1), (1,0),
// (1,1) pick the first maximum, and each of the four positions gets dy or 0 through masks. Windows tile the map
// without overlap, so every covered element is written once. Same rule as the JS loop it replaces
// (max-pool-grad.ts): a later value takes the gradient only when strictly greater, so ties and NaN go the same
// way; measured on (c)'s pools: see docs/performance.md, Convolutions.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  I32,
  OP,
  V,
  V128,
  addTo,
  get,
  i32,
  memarg,
  moduleOnHeap,
  set,
  whileLoop,
  type WasmFunction,
} from './wasm-assembler';

export interface MaxPool2x2Grad {
  /**
   * One row of windows: x0, dx0 byte offsets of the input (and its gradient) at the window row's first element,
   * dy0 of dy's row; rowBytes from one input row to the next; `windows` windows of cBytes (a multiple of 16)
   * of channels each.
   */
  row(x0: number, dy0: number, dx0: number, rowBytes: number, windows: number, cBytes: number): void;
}

function rowFn(): WasmFunction {
  // params: x0 dy0 dx0 rowBytes windows cBytes; locals: w (window's byte offset in the rows), g (in dy's row),
  // c (channel byte offset), end (w's end), then v128: v0 v1 m gt1 gt2 gt3 dy
  const [x0, dy0, dx0, rowBytes, windows, cBytes, w, g, c, end] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [v1, m, gt1, gt2, gt3, dy] = [10, 11, 12, 13, 14, 15];
  // Byte offset, within the window row, of the window's position (0,0), (0,1), (1,0), (1,1) plus c.
  const at = (pos: number) => [
    ...get(w),
    ...get(c),
    OP.i32Add,
    ...(pos === 1 || pos === 3 ? [...get(cBytes), OP.i32Add] : []),
    ...(pos >= 2 ? [...get(rowBytes), OP.i32Add] : []),
  ];
  const load = (base: number, pos: number) => [...get(base), ...at(pos), OP.i32Add, ...V.load, ...memarg(2)];
  const store = (pos: number, value: number[]) => [
    ...get(dx0),
    ...at(pos),
    OP.i32Add,
    ...value,
    ...V.store,
    ...memarg(2),
  ];
  const channels = whileLoop(
    [...get(c), ...get(cBytes), OP.i32LtU],
    [
      // m = v0; gt1 = v1 > m; m = gt1 ? v1 : m; gt2 = v2 > m; m = gt2 ? v2 : m; gt3 = v3 > m
      ...load(x0, 0),
      ...set(m),
      ...load(x0, 1),
      ...set(v1),
      ...get(v1),
      ...get(m),
      ...V.gt,
      ...set(gt1),
      ...get(v1),
      ...get(m),
      ...get(gt1),
      ...V.bitselect,
      ...set(m),
      ...load(x0, 2),
      ...set(v1),
      ...get(v1),
      ...get(m),
      ...V.gt,
      ...set(gt2),
      ...get(v1),
      ...get(m),
      ...get(gt2),
      ...V.bitselect,
      ...set(m),
      ...load(x0, 3),
      ...get(m),
      ...V.gt,
      ...set(gt3),
      ...get(dy0),
      ...get(g),
      ...get(c),
      OP.i32Add,
      OP.i32Add,
      ...V.load,
      ...memarg(2),
      ...set(dy),
      // (1,1) wins where gt3; (1,0) where gt2 and not gt3; (0,1) where gt1 and neither; (0,0) where none.
      ...store(3, [...get(dy), ...get(gt3), ...V.and]),
      ...store(2, [...get(dy), ...get(gt2), ...V.and, ...get(gt3), ...V.andnot]),
      ...store(1, [...get(dy), ...get(gt1), ...V.and, ...get(gt2), ...get(gt3), ...V.or, ...V.andnot]),
      ...store(0, [...get(dy), ...get(gt1), ...get(gt2), ...V.or, ...get(gt3), ...V.or, ...V.andnot]),
      ...addTo(c, i32(16)),
    ],
  );
  return {
    name: 'row',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, V128, V128, V128, V128, V128, V128],
    body: [
      ...i32(0),
      ...set(w),
      ...i32(0),
      ...set(g),
      // end = windows · 2 · cBytes: the window row's first input row
      ...get(windows),
      ...get(cBytes),
      OP.i32Mul,
      ...i32(2),
      OP.i32Mul,
      ...set(end),
      ...whileLoop(
        [...get(w), ...get(end), OP.i32LtU],
        [
          ...i32(0),
          ...set(c),
          ...channels,
          ...get(w),
          ...get(cBytes),
          OP.i32Add,
          ...get(cBytes),
          OP.i32Add,
          ...set(w),
          ...addTo(g, get(cBytes)),
        ],
      ),
    ],
  };
}

interface Exports {
  row(x0: number, dy0: number, dx0: number, rowBytes: number, windows: number, cBytes: number): void;
}

/** The kernel on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const maxPool2x2GradSimd: (backend: BackendWasm) => MaxPool2x2Grad | null = moduleOnHeap<
  Exports,
  MaxPool2x2Grad
>(
  () => [rowFn()],
  (e) => ({ row: (...args) => e.row(...args) }),
);
