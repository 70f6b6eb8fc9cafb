// A few elementwise loops of the fast-path training step as WebAssembly SIMD (f32x4), run on the wasm backend's
// own memory (the module imports the backend's exported `memory`), so they touch the tensors in place: the
// same loops in JS are an order of magnitude slower (docs/performance.md). The module is a
// few hundred bytes assembled at start-up (wasm-assembler.ts). Every function takes byte offsets into the heap
// and a byte length that is a multiple of 16; the caller does the remaining elements.

import { DROPOUT_MUL1, DROPOUT_MUL2, DROPOUT_STEP } from '../../model/layers/dropout-stream';
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
  moduleOnHeap,
  memarg,
  set,
  v128Const,
  whileLoop,
  zero,
  type WasmFunction,
} from './wasm-assembler';
import { multiplyAdd, multiplySubtract, simdVariant, type SimdVariantName } from './simd-variant';

export interface SimdLoops {
  /** vOut = v·μ + (g + p·wd); pOut = p − lr·(nesterov ? g' + vOut·μ : vOut). */
  sgd(
    p: number,
    g: number,
    v: number,
    pOut: number,
    vOut: number,
    bytes: number,
    lr: number,
    mu: number,
    wd: number,
    nesterov: boolean,
  ): void;
  /** a ← max(a + b, 0)·m for rows of `rowBytes` (bias b of one row, mask m of the whole buffer, or 0: none). */
  biasReluMask(a: number, b: number, m: number, bytes: number, rowBytes: number): void;
  /** δ ← (h > 0 ? δ·m : 0) (m = 0: no mask). */
  reluMaskBackward(d: number, h: number, m: number, bytes: number): void;
  /** out[j] = Σ over rows of x[row, j], float32, for rows of `rowBytes`. */
  columnSums(x: number, out: number, bytes: number, rowBytes: number): void;
  /** The first bytes/4 elements of seed's dropout mask (model/layers/dropout.ts), scale where kept, else 0. */
  dropoutMask(out: number, bytes: number, seed: number, threshold: number, scale: number): void;
}

/** v128.load of local `base` + local `i`. */
const loadAt = (base: number, i: number) => [...get(base), ...get(i), OP.i32Add, ...V.load, ...memarg(2)];
/** v128.store of the value computed by `value` to local `base` + local `i`. */
const storeAt = (base: number, i: number, value: number[]) => [
  ...get(base),
  ...get(i),
  OP.i32Add,
  ...value,
  ...V.store,
  ...memarg(2),
];

/** `for (i = 0; i < end; i += 16) body` with `i` and `end` locals. */
function loop16(i: number, end: number, body: number[]): number[] {
  return [
    ...i32(0),
    ...set(i),
    ...whileLoop([...get(i), ...get(end), OP.i32LtU], [...body, ...addTo(i, i32(16))]),
  ];
}

function sgdFn(nesterov: boolean, variant: SimdVariantName): WasmFunction {
  // params: p g v pOut vOut bytes lr mu wd; locals: i, pv, gv, vv
  const [p, g, v, pOut, vOut, bytes, lr, mu, wd, i, pv, gv, vv] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const splat = (x: number) => [...get(x), ...V.splat];
  const update = nesterov ? multiplyAdd(variant, get(vv), splat(mu), get(gv)) : get(vv);
  return {
    name: nesterov ? 'sgdNesterov' : 'sgd',
    params: [I32, I32, I32, I32, I32, I32, F32, F32, F32],
    locals: [I32, V128, V128, V128],
    body: loop16(i, bytes, [
      ...loadAt(p, i),
      ...set(pv),
      // g' = g + p·wd
      ...multiplyAdd(variant, get(pv), splat(wd), loadAt(g, i)),
      ...set(gv),
      // v' = v·μ + g'
      ...multiplyAdd(variant, loadAt(v, i), splat(mu), get(gv)),
      ...set(vv),
      ...storeAt(vOut, i, get(vv)),
      ...storeAt(pOut, i, multiplySubtract(variant, update, splat(lr), get(pv))),
    ]),
  };
}

function biasReluMaskFn(): WasmFunction {
  // params: a b m bytes rowBytes; locals: i (offset in the buffer), j (offset in the row), x
  const [a, b, m, bytes, rowBytes, i, j, x] = [0, 1, 2, 3, 4, 5, 6, 7];
  const row = loop16(j, rowBytes, [
    ...loadAt(a, i),
    ...loadAt(b, j),
    ...V.add,
    ...zero,
    ...V.max,
    ...set(x),
    ...storeAt(a, i, [
      ...get(m),
      OP.i32Eqz,
      OP.if,
      V128,
      ...get(x),
      OP.else,
      ...get(x),
      ...loadAt(m, i),
      ...V.mul,
      OP.end,
    ]),
    ...addTo(i, i32(16)),
  ]);
  return {
    name: 'biasReluMask',
    params: [I32, I32, I32, I32, I32],
    locals: [I32, I32, V128],
    // While i < bytes, run a row (the row loop advances i by rowBytes).
    body: [...i32(0), ...set(i), ...whileLoop([...get(i), ...get(bytes), OP.i32LtU], row)],
  };
}

function reluMaskBackwardFn(): WasmFunction {
  // params: d h m bytes; locals: i
  const [d, h, m, bytes, i] = [0, 1, 2, 3, 4];
  return {
    name: 'reluMaskBackward',
    params: [I32, I32, I32, I32],
    locals: [I32],
    body: loop16(i, bytes, [
      ...storeAt(d, i, [
        ...get(m),
        OP.i32Eqz,
        OP.if,
        V128,
        ...loadAt(d, i),
        OP.else,
        ...loadAt(d, i),
        ...loadAt(m, i),
        ...V.mul,
        OP.end,
        ...loadAt(h, i),
        ...zero,
        ...V.gt,
        ...V.and,
      ]),
    ]),
  };
}

function columnSumsFn(): WasmFunction {
  // params: x out bytes rowBytes; locals: j (column offset), i (offset in x), acc
  const [x, out, bytes, rowBytes, j, i, acc] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: 'columnSums',
    params: [I32, I32, I32, I32],
    locals: [I32, I32, V128],
    body: loop16(j, rowBytes, [
      ...zero,
      ...set(acc),
      ...get(j),
      ...set(i),
      ...whileLoop(
        [...get(i), ...get(bytes), OP.i32LtU],
        [...get(acc), ...loadAt(x, i), ...V.add, ...set(acc), ...addTo(i, get(rowBytes))],
      ),
      ...storeAt(out, j, get(acc)),
    ]),
  };
}

function dropoutMaskFn(): WasmFunction {
  // params: out bytes seed threshold scale; locals: i, idx (4 hash inputs), x, threshold, scale (as lanes)
  const [out, bytes, seed, threshold, scale, i, idx, x, thr, sc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const splatI32 = (n: number) => [...i32(n | 0), ...V.i32Splat];
  const xorShift = (k: number) => [...get(x), ...get(x), ...i32(k), ...V.i32ShrU, ...V.xor, ...set(x)];
  const mul = (c: number) => [...get(x), ...splatI32(c), ...V.i32Mul, ...set(x)];
  const step = DROPOUT_STEP | 0;
  return {
    name: 'dropoutMask',
    params: [I32, I32, I32, I32, F32],
    locals: [I32, V128, V128, V128, V128],
    body: [
      // idx = seed + (0, 1, 2, 3)·φ (mod 2³²)
      ...get(seed),
      ...V.i32Splat,
      ...v128Const([0, step, Math.imul(2, step), Math.imul(3, step)]),
      ...V.i32Add,
      ...set(idx),
      ...get(threshold),
      ...V.i32Splat,
      ...set(thr),
      ...get(scale),
      ...V.splat,
      ...set(sc),
      ...loop16(i, bytes, [
        ...get(idx),
        ...set(x),
        ...xorShift(16),
        ...mul(DROPOUT_MUL1),
        ...xorShift(15),
        ...mul(DROPOUT_MUL2),
        ...xorShift(16),
        // kept lanes: top 24 bits ≥ threshold → all ones, and-ed with the scale's bits
        ...storeAt(out, i, [
          ...get(x),
          ...i32(8),
          ...V.i32ShrU,
          ...get(thr),
          ...V.i32GeU,
          ...get(sc),
          ...V.and,
        ]),
        ...get(idx),
        ...splatI32(Math.imul(4, step)),
        ...V.i32Add,
        ...set(idx),
      ]),
    ],
  };
}

const FUNCTIONS = (variant: SimdVariantName) => [
  sgdFn(false, variant),
  sgdFn(true, variant),
  biasReluMaskFn(),
  reluMaskBackwardFn(),
  columnSumsFn(),
  dropoutMaskFn(),
];

interface Exports {
  sgd(...args: number[]): void;
  sgdNesterov(...args: number[]): void;
  biasReluMask(a: number, b: number, m: number, bytes: number, rowBytes: number): void;
  reluMaskBackward(d: number, h: number, m: number, bytes: number): void;
  columnSums(x: number, out: number, bytes: number, rowBytes: number): void;
  dropoutMask(out: number, bytes: number, seed: number, threshold: number, scale: number): void;
}

/** The loops on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory export. */
export const simdLoops = moduleOnHeap<Exports, SimdLoops>(
  () => FUNCTIONS(simdVariant().name),
  (e) => ({
    sgd: (p, g, v, pOut, vOut, n, lr, mu, wd, nesterov) =>
      (nesterov ? e.sgdNesterov : e.sgd)(p, g, v, pOut, vOut, n, lr, mu, wd),
    biasReluMask: (a, b, m, n, row) => e.biasReluMask(a, b, m, n, row),
    reluMaskBackward: (d, h, m, n) => e.reluMaskBackward(d, h, m, n),
    columnSums: (x, out, n, row) => e.columnSums(x, out, n, row),
    dropoutMask: (out, n, seed, threshold, scale) => e.dropoutMask(out, n, seed | 0, threshold, scale),
  }),
);

/** Exposed for the test that checks the module assembles and validates. */
export function assembleSimdModule(variant: SimdVariantName = 'plain'): Uint8Array {
  return assemble(FUNCTIONS(variant));
}
