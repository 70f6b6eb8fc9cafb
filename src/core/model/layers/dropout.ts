// Inverted dropout with an explicit seed, its mask from the counter-based stream of dropout-stream.ts. Where
// the backend's memory is in reach (wasm, cpu) the mask is written straight into a backend buffer (on wasm by
// the SIMD loop, ≈ 0.3 ns per element), not built in JS and uploaded: on the transformer encoder's autodiff
// path the JS mask was ≈ 15 % of the epoch (docs/performance.md).
import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../../backend/host';
import type { ForwardContext } from '../types';
import { dropoutMask } from './dropout-stream';
import { siteSeed } from './seeds';

export class Dropout {
  constructor(
    readonly rate: number,
    private readonly labelHash: number,
    private readonly site: number,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout rate must be in [0, 1); got ${rate}.`);
  }

  apply<T extends tf.Tensor>(x: T, ctx: ForwardContext): T {
    const seed = this.maskSeed(ctx);
    if (seed === null) return x;
    const host = x.dtype === 'float32' ? tensorHost() : null;
    const mask = host
      ? host.toTensor(host.dropoutMask([...x.shape], this.rate, seed))
      : tf.tensor(dropoutMask(x.size, this.rate, seed), x.shape, 'float32');
    return tf.mul(x, mask) as T;
  }

  /** The seed of the mask's stream, or null when there is no mask (inference, rate 0). */
  maskSeed(ctx: ForwardContext): number | null {
    if (!ctx.training || this.rate === 0) return null;
    return siteSeed(ctx.seed, this.labelHash, this.site);
  }
}

/** Hands out consecutive site numbers to the dropout layers of one encoder. */
export class DropoutFactory {
  private next = 0;

  constructor(private readonly labelHash: number) {}

  make(rate: number): Dropout {
    return new Dropout(rate, this.labelHash, this.next++);
  }
}
