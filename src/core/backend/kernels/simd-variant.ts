// Which instruction set the project's wasm SIMD kernels (simd-gemm.ts, simd-loops.ts) are assembled for.
// 'fma' emits relaxed-SIMD f32x4.relaxed_madd, one rounding per multiply-add instead of two; 'plain' the
// fixed-width SIMD mul + add, whose results match the ordered float32 loop bit for bit. FMA is the default where
// the engine offers relaxed SIMD and really fuses (about a fifth off the handwritten epoch, docs/performance.md,
// "Fused multiply-add"); MLA_WASM_FMA=off keeps the plain kernels, whose results are the same on every machine.

import { V, F32, assemble, get, wasmApi } from './wasm-assembler';

export type SimdVariantName = 'fma' | 'plain';

export interface SimdVariant {
  name: SimdVariantName;
  /** One line for log.txt and `mla doctor`: the variant and why. */
  reason: string;
}

/** What the engine offers: relaxed SIMD validates, and its multiply-add really rounds once. */
export interface RelaxedSimdSupport {
  validates: boolean;
  /** Whether relaxed_madd kept the low bits of a product that mul + add would round away. */
  fuses: boolean;
}

export const FMA_ENV = 'MLA_WASM_FMA';

/** f(a, b, c) = lane 0 of f32x4.relaxed_madd(splat a, splat b, splat c). */
function probeModule(): Uint8Array {
  const splat = (i: number) => [...get(i), ...V.splat];
  return assemble(
    [
      {
        name: 'madd',
        params: [F32, F32, F32],
        locals: [],
        results: [F32],
        body: [...splat(0), ...splat(1), ...splat(2), ...V.relaxedMadd, ...V.extractLane, 0],
      },
    ],
    { importMemory: false },
  );
}

export function probeRelaxedSimd(): RelaxedSimdSupport {
  if (!wasmApi) return { validates: false, fuses: false };
  const bytes = probeModule();
  if (!wasmApi.validate(bytes)) return { validates: false, fuses: false };
  const { madd } = new wasmApi.Instance(new wasmApi.Module(bytes), {}).exports as {
    madd(a: number, b: number, c: number): number;
  };
  // (1 + 2⁻²³)(1 − 2⁻²³) − 1 is −2⁻⁴⁶ with one rounding; mul then add rounds the product to 1 and gives 0.
  const eps = 2 ** -23;
  return { validates: true, fuses: madd(1 + eps, 1 - eps, -1) === -(2 ** -46) };
}

/** MLA_WASM_FMA as 'on', 'off' or unset; anything else is a mistake worth stopping for. */
export function fmaOverride(env: NodeJS.ProcessEnv): 'on' | 'off' | undefined {
  const value = env[FMA_ENV];
  if (value === undefined || value === '') return undefined;
  if (value === 'on' || value === 'off') return value;
  throw new Error(`${FMA_ENV}: expected on or off, found "${value}"`);
}

const NODE_20_HINT = 'on Node 20 start it with --experimental-wasm-relaxed-simd';

/** The variant for this environment and engine (pure, for tests): FMA unless turned off or not really offered. */
export function chooseSimdVariant(env: NodeJS.ProcessEnv, support: RelaxedSimdSupport): SimdVariant {
  const override = fmaOverride(env);
  if (override === 'off') return { name: 'plain', reason: `plain SIMD kernels (${FMA_ENV}=off)` };
  const asked = override === 'on' ? `${FMA_ENV}=on, but ` : '';
  if (!support.validates)
    return {
      name: 'plain',
      reason: `plain SIMD kernels (${asked}this runtime lacks relaxed SIMD; ${NODE_20_HINT})`,
    };
  if (!support.fuses)
    return {
      name: 'plain',
      reason: `plain SIMD kernels (${asked}this engine lowers relaxed_madd to a separate multiply and add)`,
    };
  const why = override === 'on' ? `${FMA_ENV}=on` : `the default; ${FMA_ENV}=off for the plain kernels`;
  return { name: 'fma', reason: `relaxed-SIMD FMA kernels (${why})` };
}

let chosen: SimdVariant | undefined;

/** The variant of this process, decided once (the kernels are assembled once per backend). */
export function simdVariant(): SimdVariant {
  chosen ??= chooseSimdVariant(process.env, probeRelaxedSimd());
  return chosen;
}

/** f32x4 a·b + c: fused where the variant is 'fma'; else c + a·b, the plain kernels' rounding. */
export function multiplyAdd(variant: SimdVariantName, a: number[], b: number[], c: number[]): number[] {
  return variant === 'fma' ? [...a, ...b, ...c, ...V.relaxedMadd] : [...c, ...a, ...b, ...V.mul, ...V.add];
}

/** f32x4 c − a·b: fused where the variant is 'fma'; else c − a·b with the product rounded first. */
export function multiplySubtract(variant: SimdVariantName, a: number[], b: number[], c: number[]): number[] {
  return variant === 'fma' ? [...a, ...b, ...c, ...V.relaxedNmadd] : [...c, ...a, ...b, ...V.mul, ...V.sub];
}
