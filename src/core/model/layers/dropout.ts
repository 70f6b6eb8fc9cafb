// Inverted dropout with an explicit seed: tf.randomUniform with a seed is deterministic on every backend.
import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from '../types';
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
    if (!ctx.training || this.rate === 0) return x;
    const seed = siteSeed(ctx.seed, this.labelHash, this.site);
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.rate),
      'float32',
    );
    return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate))) as T;
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
