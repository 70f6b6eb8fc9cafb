// The dropout masks' counter-based stream: element i keeps its value (scaled by 1/(1 − rate)) when the top 24
// bits of hash(seed + i·φ) are ≥ rate·2²⁴, φ the 32-bit golden ratio and hash Wellons' lowbias32 finaliser.
// Each element depends only on (seed, i), so the wasm SIMD loop (backend/kernels/simd-loops.ts) computes 4 at
// once straight into the heap, bit for bit the masks of the JS loop here (≈ 0.3 against ≈ 8 ns per element
// for the sequential Alea stream of `tf.randomUniform` used before).

/** φ·2³², the Weyl step between the hash inputs of consecutive elements. */
export const DROPOUT_STEP = 0x9e3779b9;
/** The multipliers of lowbias32 (Wellons' hash-prospector: bias 0.17). */
export const DROPOUT_MUL1 = 0x7feb352d;
export const DROPOUT_MUL2 = 0x846ca68b;

/** An element is kept when the top 24 bits of its hash are at least this: P(keep) = 1 − rate (to 2⁻²⁴). */
export function dropoutThreshold(rate: number): number {
  return Math.ceil(rate * 0x1000000);
}

/** What a kept element holds: 1/(1 − rate) as float32. */
export function dropoutScale(rate: number): number {
  return Math.fround(1 / (1 - rate));
}

/** `size` values: 1/(1 − rate) (as float32) where element i of seed's stream is kept, else 0. */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  const mask = new Float32Array(size);
  fillDropoutMask(mask, rate, seed, 0);
  return mask;
}

/** Writes elements from..end of seed's mask into `mask` (the wasm host's tail after its SIMD bulk). */
export function fillDropoutMask(mask: Float32Array, rate: number, seed: number, from: number): void {
  const threshold = dropoutThreshold(rate);
  const scale = dropoutScale(rate);
  for (let i = from; i < mask.length; i++) {
    let x = (seed + Math.imul(i, DROPOUT_STEP)) | 0;
    x ^= x >>> 16;
    x = Math.imul(x, DROPOUT_MUL1);
    x ^= x >>> 15;
    x = Math.imul(x, DROPOUT_MUL2);
    x ^= x >>> 16;
    mask[i] = x >>> 8 >= threshold ? scale : 0;
  }
}
