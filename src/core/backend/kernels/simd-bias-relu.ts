// relu(x + b) and its backward as single WebAssembly SIMD passes over the wasm backend's heap, for rows whose
// width is a multiple of 4 (bias-relu.ts does other widths in JS). Out of place, unlike the fast MLP step's
// in-place loops (simd-loops.ts): autodiff's tensors are never written after they are made. The backward
// writes dx and adds it into db row after row, in row order (db is a row of the heap the caller zeroes), so
// one pass reads dy and y once. Byte offsets into the heap.
import {
  I32,
  OP,
  V,
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

/** for (base = 0; base < bytes; base += rowBytes) for (j = 0; j < rowBytes; j += 16) body */
function rowsAndColumns(base: number, j: number, bytes: number, rowBytes: number, body: number[]): number[] {
  const row = [
    ...i32(0),
    ...set(j),
    ...whileLoop([...get(j), ...get(rowBytes), OP.i32LtU], [...body, ...addTo(j, i32(16))]),
  ];
  return [
    ...i32(0),
    ...set(base),
    ...whileLoop([...get(base), ...get(bytes), OP.i32LtU], [...row, ...addTo(base, get(rowBytes))]),
  ];
}

function forwardFn(): WasmFunction {
  // params: x b out bytes rowBytes; locals: base j
  const [x, b, out, bytes, rowBytes, base, j] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: 'forward',
    params: [I32, I32, I32, I32, I32],
    locals: [I32, I32],
    body: rowsAndColumns(
      base,
      j,
      bytes,
      rowBytes,
      storeTo([out, base, j], [...loadFrom(x, base, j), ...loadFrom(b, j), ...V.add, ...zero, ...V.max]),
    ),
  };
}

function backwardFn(): WasmFunction {
  // params: dy y dx db bytes rowBytes; locals: base j
  const [dy, y, dx, db, bytes, rowBytes, base, j] = [0, 1, 2, 3, 4, 5, 6, 7];
  // g = dy where y > 0, else 0 (the comparison's all-ones lanes select dy's bits)
  const g = [...loadFrom(dy, base, j), ...loadFrom(y, base, j), ...zero, ...V.gt, ...V.and];
  return {
    name: 'backward',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32],
    body: rowsAndColumns(base, j, bytes, rowBytes, [
      ...storeTo([dx, base, j], g),
      ...storeTo([db, j], [...loadFrom(db, j), ...loadFrom(dx, base, j), ...V.add]),
    ]),
  };
}

const FUNCTIONS = () => [forwardFn(), backwardFn()];

export interface SimdBiasRelu {
  forward(x: number, b: number, out: number, bytes: number, rowBytes: number): void;
  backward(dy: number, y: number, dx: number, db: number, bytes: number, rowBytes: number): void;
}

/** The passes on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const simdBiasRelu = moduleOnHeap<SimdBiasRelu, SimdBiasRelu>(FUNCTIONS, (e) => ({
  forward: (...args) => e.forward(...args),
  backward: (...args) => e.backward(...args),
}));

/** Exposed for the test that checks the module assembles and validates. */
export function assembleSimdBiasReluModule(): Uint8Array {
  return assemble(FUNCTIONS());
}
