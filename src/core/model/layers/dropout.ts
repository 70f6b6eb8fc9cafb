// Inverted dropout with an explicit seed: the mask is the one `tf.randomUniform(shape, 0, 1, 'float32', seed)
// ≥ rate gives (the same Alea stream, compared in float32), built in JS already scaled by 1/(1 − rate), so a
// dropout costs one upload and one multiply instead of a random tensor, a compare, a cast and two multiplies.
import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from '../types';
import { aleaSeed } from './alea';
import { siteSeed } from './seeds';

export class Dropout {
  constructor(
    private readonly rate: number,
    private readonly labelHash: number,
    private readonly site: number,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout rate must be in [0, 1); got ${rate}.`);
  }

  apply<T extends tf.Tensor>(x: T, ctx: ForwardContext): T {
    const mask = this.maskFor(x.size, ctx);
    return mask ? (tf.mul(x, tf.tensor(mask, x.shape, 'float32')) as T) : x;
  }

  /** The scaled mask `apply` multiplies by, or null when it passes `x` through (inference, rate 0). */
  maskFor(size: number, ctx: ForwardContext): Float32Array | null {
    if (!ctx.training || this.rate === 0) return null;
    return dropoutMask(size, this.rate, siteSeed(ctx.seed, this.labelHash, this.site));
  }
}

/** `size` values: 1/(1 − rate) where the seed's uniform draw (as float32) is ≥ rate (as float32), else 0. */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  const threshold = Math.fround(rate);
  const scale = Math.fround(1 / (1 - rate));
  const mask = new Float32Array(size);
  // aleaStream's step written inline: the state stays in registers, 3x faster than a closure call per draw.
  let { s0, s1, s2, c } = aleaSeed(seed);
  for (let i = 0; i < size; i++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    if (Math.fround(s2) >= threshold) mask[i] = scale;
  }
  return mask;
}

/** Hands out consecutive site numbers to the dropout layers of one encoder. */
export class DropoutFactory {
  private next = 0;

  constructor(private readonly labelHash: number) {}

  make(rate: number): Dropout {
    return new Dropout(rate, this.labelHash, this.next++);
  }
}
