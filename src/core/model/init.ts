// Deterministic initialisers: every value is drawn in JS from the seeded Rng, so the same seed builds the same
// weights on every backend (tf's own random initialisers depend on the backend and on global state).
import type { Rng } from '../util/random';

/** Xavier (Glorot) normal, gain 1: std = sqrt(2 / (fanIn + fanOut)), as PyTorch's `xavier_normal_`. */
export function xavierNormal(rng: Rng, size: number, fanIn: number, fanOut: number): Float32Array {
  return normalValues(rng, size, Math.sqrt(2 / (fanIn + fanOut)));
}

/** Kaiming normal, mode fan_out, ReLU gain: std = sqrt(2 / fanOut), as the reference ResNet's conv init. */
export function kaimingNormalFanOut(rng: Rng, size: number, fanOut: number): Float32Array {
  return normalValues(rng, size, Math.sqrt(2 / fanOut));
}

export function normalValues(rng: Rng, size: number, std: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  return out;
}

export function filled(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}
