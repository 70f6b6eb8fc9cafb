// A tiny WebAssembly assembler for the project's SIMD modules (simd-loops.ts, simd-gemm.ts): the project has
// no wasm toolchain, so the few functions it needs are written as instruction lists here and assembled at
// start-up into a module that imports the wasm backend's `memory` and so works on its tensors in place.
// Opcodes are those of the WebAssembly core spec and its fixed-width SIMD proposal (shipped in Node ≥ 16).

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Const: 0x43,
  f64Const: 0x44,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32LeU: 0x4d,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32Div: 0x95,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
};
const SIMD = 0xfd;
export const V = {
  load: [SIMD, 0x00],
  /** v128.const: followed by 16 immediate bytes (`v128Const`). */
  const: [SIMD, 0x0c],
  load32Splat: [SIMD, 0x09],
  store: [SIMD, 0x0b],
  shuffle: [SIMD, 0x0d],
  i32Splat: [SIMD, 0x11],
  splat: [SIMD, 0x13],
  /** f32x4.extract_lane: followed by the lane index. */
  extractLane: [SIMD, 0x1f],
  lt: [SIMD, 0x43],
  gt: [SIMD, 0x44],
  ge: [SIMD, 0x46],
  nearest: [SIMD, 0x6a],
  and: [SIMD, 0x4e],
  andnot: [SIMD, 0x4f],
  or: [SIMD, 0x50],
  xor: [SIMD, 0x51],
  bitselect: [SIMD, 0x52],
  i32GeU: [SIMD, 0x40],
  i32Shl: [SIMD, 0xab, 0x01],
  i32ShrU: [SIMD, 0xad, 0x01],
  i32Add: [SIMD, 0xae, 0x01],
  i32Mul: [SIMD, 0xb5, 0x01],
  abs: [SIMD, 0xe0, 0x01],
  add: [SIMD, 0xe4, 0x01],
  sub: [SIMD, 0xe5, 0x01],
  mul: [SIMD, 0xe6, 0x01],
  div: [SIMD, 0xe7, 0x01],
  min: [SIMD, 0xe8, 0x01],
  max: [SIMD, 0xe9, 0x01],
  /** i32x4.trunc_sat_f32x4_s and f32x4.convert_i32x4_s. */
  truncSatToI32: [SIMD, 0xf8, 0x01],
  convertFromI32: [SIMD, 0xfa, 0x01],
  // Relaxed SIMD (opcodes 0x105, 0x106 as LEB128): a·b + c and −(a·b) + c for operands pushed a, b, c, rounded
  // once or twice as the engine chooses (simd-variant.ts probes which).
  relaxedMadd: [SIMD, 0x85, 0x02],
  relaxedNmadd: [SIMD, 0x86, 0x02],
};
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
/** Block type of a block that yields nothing. */
export const VOID = 0x40;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const get = (i: number): number[] => [OP.localGet, ...uleb(i)];
export const set = (i: number): number[] => [OP.localSet, ...uleb(i)];
export const tee = (i: number): number[] => [OP.localTee, ...uleb(i)];
export const i32 = (n: number): number[] => [OP.i32Const, ...sleb(n)];
/** A memory access's immediate: alignment exponent and constant byte offset. */
export const memarg = (alignLog2: number, offset = 0): number[] => [alignLog2, ...uleb(offset)];
/** i32x4.splat(0): all bits zero, which is +0.0 in every f32 lane. */
export const zero = [OP.i32Const, 0, ...V.i32Splat];

/** The byte offset of a tensor's buffer in the wasm heap (what the modules here take as pointers). */
export function heapOffset(backend: BackendWasm, info: { dataId: object }): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** The sum of the i32 locals `parts` (a heap address), on the stack. */
export function address(parts: number[]): number[] {
  return parts.flatMap((p, k) => (k === 0 ? get(p) : [...get(p), OP.i32Add]));
}

/** v128.load from the sum of the i32 locals `parts`. */
export const loadFrom = (...parts: number[]): number[] => [...address(parts), ...V.load, ...memarg(2)];

/** v128.store of what `value` computes to the sum of the i32 locals `parts`. */
export const storeTo = (parts: number[], value: number[]): number[] => [
  ...address(parts),
  ...value,
  ...V.store,
  ...memarg(2),
];

/** f64.const of `x`. */
export function f64Const(x: number): number[] {
  return [OP.f64Const, ...new Uint8Array(new Float64Array([x]).buffer)];
}

/** f32x4.splat of a constant. */
export function f32x4Splat(x: number): number[] {
  return [OP.f32Const, ...new Uint8Array(new Float32Array([x]).buffer), ...V.splat];
}

/** A v128 constant of four i32 lanes. */
export function v128Const(lanes: [number, number, number, number]): number[] {
  const bytes = new Uint8Array(new Int32Array(lanes).buffer);
  return [...V.const, ...bytes];
}

/** `local += n` (an i32 local). */
export function addTo(local: number, n: number[]): number[] {
  return [...get(local), ...n, OP.i32Add, ...set(local)];
}

/** `while (cond) body`; `cond` leaves an i32 on the stack. */
export function whileLoop(cond: number[], body: number[]): number[] {
  return [OP.block, VOID, OP.loop, VOID, ...cond, OP.i32Eqz, OP.brIf, 1, ...body, OP.br, 0, OP.end, OP.end];
}

/** `if (cond) body`. */
export function when(cond: number[], body: number[]): number[] {
  return [...cond, OP.if, VOID, ...body, OP.end];
}

export interface WasmFunction {
  name: string;
  params: number[];
  locals: number[];
  /** Result types (none when omitted). */
  results?: number[];
  body: number[];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * A module of `fns`, exported by name, that imports its memory as env.memory (unless told not to); a shared
 * memory (the threaded backend's heap) must be imported as shared, with a maximum: 65536 pages, the most wasm32
 * addresses, which any shared memory's own maximum is within.
 */
export function assemble(
  fns: WasmFunction[],
  options: { importMemory?: boolean; sharedMemory?: boolean } = {},
): Uint8Array {
  const types = fns.map((fn) => [
    0x60,
    ...vec(fn.params.map((t) => [t])),
    ...vec((fn.results ?? []).map((t) => [t])),
  ]);
  const limits = options.sharedMemory ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  const imports =
    options.importMemory === false ? [] : [[...name('env'), ...name('memory'), 0x02, ...limits]];
  const funcs = fns.map((_, k) => uleb(k));
  const exports = fns.map((fn, k) => [...name(fn.name), 0x00, ...uleb(k)]);
  const codes = fns.map((fn) => {
    const locals = vec(fn.locals.map((t) => [1, t]));
    const body = [...locals, ...fn.body, OP.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...(imports.length > 0 ? section(2, vec(imports)) : []),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}

/** The engine's WebAssembly API (the project's type libraries do not declare it). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** What the kernels need of a WebAssembly.Memory (the project's type libraries do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The backend's heap: exported by the plain builds, imported (shared) by the threaded one (wasm-threaded.ts). */
export function backendMemory(backend: BackendWasm): WasmMemory | null {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return wasmApi && memory instanceof wasmApi.Memory ? (memory as WasmMemory) : null;
}

/**
 * True when the backend's heap is shared: kernels instantiated on it must import it as shared, and worker
 * threads can run them on it (kernel-pool.ts).
 */
export function heapIsShared(backend: BackendWasm): boolean {
  const memory = backendMemory(backend);
  return (
    memory !== null && typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer
  );
}

/**
 * The exports of `bytes` instantiated on `backend`'s memory, or null where the engine lacks wasm SIMD or the
 * backend its memory export (then the callers keep their JS or stock-kernel paths).
 */
function instantiateOnHeap(backend: BackendWasm, fns: WasmFunction[]): OnHeap | null {
  const memory = backendMemory(backend);
  if (!wasmApi || memory === null) return null;
  const bytes = assemble(fns, { sharedMemory: heapIsShared(backend) });
  try {
    const module = new wasmApi.Module(bytes);
    return { exports: new wasmApi.Instance(module, { env: { memory } }).exports, module };
  } catch {
    return null;
  }
}

/**
 * A module instantiated on a backend's heap, with the compiled module: kernel-pool.ts hands that to its workers,
 * which then share its machine code (optimised once, not once per thread).
 */
interface OnHeap {
  exports: object;
  module: object;
}

/**
 * A getter of the module of `fns` on a backend's memory, wrapped by `wrap`: assembled and instantiated once per
 * backend; null where `instantiateOnHeap` cannot run it.
 */
export function moduleOnHeap<Exports, T>(
  fns: () => WasmFunction[],
  wrap: (exports: Exports, module: object, backend: BackendWasm) => T,
): (backend: BackendWasm) => T | null {
  const instances = new WeakMap<object, T | null>();
  return (backend) => {
    const key = backend as unknown as object;
    if (instances.has(key)) return instances.get(key)!;
    const onHeap = instantiateOnHeap(backend, fns());
    const wrapped = onHeap && wrap(onHeap.exports as Exports, onHeap.module, backend);
    instances.set(key, wrapped);
    return wrapped;
  };
}
