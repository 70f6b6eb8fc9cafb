// The Node.js flags a trainer process needs for relaxed SIMD (the FMA kernels, kernels/simd-variant.ts). Node 20
// and 21 have it behind --experimental-wasm-relaxed-simd; Node 22 enables it by default. Passing a V8 flag the
// runtime does not know stops node with "bad option", so the flag goes only to the majors known to take it.
// (process.allowedNodeEnvironmentFlags cannot tell: it lists the flags allowed in NODE_OPTIONS, and this V8
// flag is not one of them even where the command line accepts it.)
import * as v8 from 'node:v8';

export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** The Node majors that take the flag (and need it). */
export const FLAGGED_MAJORS_LIST: readonly number[] = [20, 21];
const FLAGGED_MAJORS: ReadonlySet<number> = new Set(FLAGGED_MAJORS_LIST);

/** The flags to put before the script for a runtime of `nodeVersion` ("v20.11.0" or "20.11.0"). */
export function relaxedSimdFlags(nodeVersion: string): string[] {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1]);
  return FLAGGED_MAJORS.has(major) ? [RELAXED_SIMD_FLAG] : [];
}

/**
 * Turns relaxed SIMD on in this process where the runtime has it behind the flag, for a trainer started
 * without it (`mla` typed in a terminal on Node 20). V8 reads its wasm feature flags at each compile, so the
 * kernels assembled afterwards get the FMA variant, as they do in a process started with the flag.
 */
export function enableRelaxedSimdHere(nodeVersion: string = process.version): void {
  for (const flag of relaxedSimdFlags(nodeVersion)) v8.setFlagsFromString(flag);
}
