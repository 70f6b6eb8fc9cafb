// Exact GELU, x·Φ(x), and its gradient dy·(Φ(x) + x·φ(x)), as one WebAssembly SIMD pass each over the wasm
// backend's heap. Composed of stock ops the pair took ten kernel calls and as many full passes over the
// transformer's hidden activations per step (mul, erf, add, mul forward; erf's gradient through square, neg,
// exp and four muls backward); fused, one read of x (and dy) and one write each (docs/performance.md).
// Φ comes from erf by Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5·10⁻⁷, the formula tfjs's own cpu erf
// uses) and e^(−x²/2) by Cephes' expf (range reduction by ln 2, degree-5 polynomial), both in float32.
// Functions take byte offsets into the heap and a byte length that is a multiple of 16; the caller does the
// remaining elements (geluTail below, the same formulas in float64).
import {
  OP,
  V,
  V128,
  I32,
  addTo,
  assemble,
  f32x4Splat as c,
  get,
  i32,
  memarg,
  moduleOnHeap,
  set,
  when,
  whileLoop,
} from './wasm-assembler';
import type { WasmFunction } from './wasm-assembler';

const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
const EXP_POLY = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];
// ln 2 split so that n·EXP_C1 is exact for the n that occur (|n| ≤ 126).
const EXP_C1 = 0.693359375;
const EXP_C2 = -2.1219444e-4;
/** Below this e^y is under float32's smallest normal; clamping keeps 2ⁿ's exponent bits valid. */
const EXP_FLOOR = -87;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The vector locals the pass uses, by index. */
interface Lanes {
  x: number;
  t: number;
  y: number;
  n: number;
  r: number;
  e: number;
  q: number;
}

/** Horner's rule: ((k0·v + k1)·v + k2)… for constants `ks`, `v` a local. */
function horner(ks: number[], v: number): number[] {
  const out = c(ks[0]);
  for (const k of ks.slice(1)) out.push(...get(v), ...V.mul, ...c(k), ...V.add);
  return out;
}

/** Sets l.e = e^(−x²/2) and l.q = erfc(|x|/√2) = P(t)·e, from l.x. */
function erfcParts(l: Lanes): number[] {
  return [
    // t = 1 / (1 + p·|x|/√2)
    ...c(1),
    ...c(1),
    ...get(l.x),
    ...V.abs,
    ...c(ERF_P * Math.SQRT1_2),
    ...V.mul,
    ...V.add,
    ...V.div,
    ...set(l.t),
    // y = max(−x²/2, floor); n = round(y·log₂e); r = y − n·ln 2
    ...get(l.x),
    ...get(l.x),
    ...V.mul,
    ...c(-0.5),
    ...V.mul,
    ...c(EXP_FLOOR),
    ...V.max,
    ...set(l.y),
    ...get(l.y),
    ...c(Math.LOG2E),
    ...V.mul,
    ...V.nearest,
    ...set(l.n),
    ...get(l.y),
    ...get(l.n),
    ...c(EXP_C1),
    ...V.mul,
    ...V.sub,
    ...get(l.n),
    ...c(EXP_C2),
    ...V.mul,
    ...V.sub,
    ...set(l.r),
    // e = (poly(r)·r² + r + 1)·2ⁿ, 2ⁿ built from its exponent bits
    ...horner(EXP_POLY, l.r),
    ...get(l.r),
    ...get(l.r),
    ...V.mul,
    ...V.mul,
    ...get(l.r),
    ...V.add,
    ...c(1),
    ...V.add,
    ...get(l.n),
    ...V.truncSatToI32,
    ...i32(127),
    ...V.i32Splat,
    ...V.i32Add,
    ...i32(23),
    ...V.i32Shl,
    ...V.mul,
    ...set(l.e),
    // q = t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e
    ...horner([...ERF_A].reverse(), l.t),
    ...get(l.t),
    ...V.mul,
    ...get(l.e),
    ...V.mul,
    ...set(l.q),
  ];
}

/** Φ(x) = x ≥ 0 ? 1 − q/2 : q/2, left on the stack. */
function phi(l: Lanes): number[] {
  return [
    ...c(1),
    ...get(l.q),
    ...c(0.5),
    ...V.mul,
    ...V.sub,
    ...get(l.q),
    ...c(0.5),
    ...V.mul,
    ...get(l.x),
    ...c(0),
    ...V.ge,
    ...V.bitselect,
  ];
}

const VECTOR_LOCALS = 7;

/** Lanes for two vectors at once from local `first` on: two independent chains for the core to overlap. */
const lanePair = (first: number): [Lanes, Lanes] => {
  const at = (k: number): Lanes => {
    const b = first + k * VECTOR_LOCALS;
    return { x: b, t: b + 1, y: b + 2, n: b + 3, r: b + 4, e: b + 5, q: b + 6 };
  };
  return [at(0), at(1)];
};

/** v128.load of local `base` + local `i` + `offset` bytes. */
const loadAt = (base: number, i: number, offset: number) => [
  ...get(base),
  ...get(i),
  OP.i32Add,
  ...V.load,
  ...memarg(2, offset),
];

/**
 * `for (i = 0; i < bytes; )`: two vectors per iteration while two remain, then the last one; `vector(l, offset)`
 * does the vector at byte `i + offset` with lanes `l`. The chain of one vector (a division, two degree-5
 * polynomials, the exponent bits) is long, so a second one beside it nearly halves the time per element.
 */
function pairedLoop(
  i: number,
  bytes: number,
  [a, b]: [Lanes, Lanes],
  vector: (l: Lanes, offset: number) => number[],
): number[] {
  return [
    ...i32(0),
    ...set(i),
    ...whileLoop(
      [...get(i), ...i32(32), OP.i32Add, ...get(bytes), OP.i32LeU],
      [...vector(a, 0), ...vector(b, 16), ...addTo(i, i32(32))],
    ),
    ...when([...get(i), ...get(bytes), OP.i32LtU], vector(a, 0)),
  ];
}

/** x at `i + offset` into `l.x`, its erfc parts into `l`, then the address the vector's result goes to. */
function erfcThenOut(x: number, out: number, i: number, l: Lanes, offset: number): number[] {
  return [...loadAt(x, i, offset), ...set(l.x), ...erfcParts(l), ...get(out), ...get(i), OP.i32Add];
}

function geluFn(): WasmFunction {
  // params: x out bytes; locals: i, then two vectors' lanes
  const [x, out, bytes, i] = [0, 1, 2, 3];
  const vector = (l: Lanes, offset: number) => [
    ...erfcThenOut(x, out, i, l, offset),
    ...get(l.x),
    ...phi(l),
    ...V.mul,
    ...V.store,
    ...memarg(2, offset),
  ];
  return {
    name: 'gelu',
    params: [I32, I32, I32],
    locals: [I32, ...Array<number>(2 * VECTOR_LOCALS).fill(V128)],
    body: pairedLoop(i, bytes, lanePair(4), vector),
  };
}

function geluGradFn(): WasmFunction {
  // params: x dy out bytes; locals: i, then two vectors' lanes
  const [x, dy, out, bytes, i] = [0, 1, 2, 3, 4];
  const vector = (l: Lanes, offset: number) => [
    ...erfcThenOut(x, out, i, l, offset),
    // dy·(Φ + x·e/√(2π))
    ...loadAt(dy, i, offset),
    ...phi(l),
    ...get(l.x),
    ...get(l.e),
    ...V.mul,
    ...c(INV_SQRT_2PI),
    ...V.mul,
    ...V.add,
    ...V.mul,
    ...V.store,
    ...memarg(2, offset),
  ];
  return {
    name: 'geluGrad',
    params: [I32, I32, I32, I32],
    locals: [I32, ...Array<number>(2 * VECTOR_LOCALS).fill(V128)],
    body: pairedLoop(i, bytes, lanePair(5), vector),
  };
}

const FUNCTIONS = () => [geluFn(), geluGradFn()];

export interface SimdGelu {
  gelu(x: number, out: number, bytes: number): void;
  geluGrad(x: number, dy: number, out: number, bytes: number): void;
}

/** The GELU passes on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const simdGelu = moduleOnHeap<SimdGelu, SimdGelu>(FUNCTIONS, (e) => ({
  gelu: (x, out, bytes) => e.gelu(x, out, bytes),
  geluGrad: (x, dy, out, bytes) => e.geluGrad(x, dy, out, bytes),
}));

/** Exposed for the test that checks the module assembles and validates. */
export function assembleSimdGeluModule(): Uint8Array {
  return assemble(FUNCTIONS());
}

/** Φ(x) and φ(x) by the same formulas, in float64, for the elements after the last whole vector. */
export function geluParts(x: number): { phi: number; density: number } {
  const t = 1 / (1 + ERF_P * Math.SQRT1_2 * Math.abs(x));
  const e = Math.exp(Math.max(-0.5 * x * x, EXP_FLOOR));
  const q = ERF_A.reduceRight((acc, a) => (acc + a) * t, 0) * e;
  return { phi: x >= 0 ? 1 - q / 2 : q / 2, density: e * INV_SQRT_2PI };
}
