// BatchNorm over every axis but the last (channels), with PyTorch's semantics: momentum 0.1 weights the new
// batch statistic, eps 1e-5, and the moving variance is updated with the unbiased batch variance.
import * as tf from '@tensorflow/tfjs';
import { filled } from '../init';
import type { ParamScope } from '../params';

export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;

  constructor(
    scope: ParamScope,
    private readonly channels: number,
  ) {
    this.gamma = scope.trainableVar('gamma', [channels], filled(channels, 1));
    this.beta = scope.trainableVar('beta', [channels], filled(channels, 0));
    this.movingMean = scope.stateVar('moving_mean', [channels], filled(channels, 0));
    this.movingVariance = scope.stateVar('moving_variance', [channels], filled(channels, 1));
  }

  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    if (!training) return this.normalize(x, this.movingMean, this.movingVariance);
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    this.updateMovingStats(mean, variance, x.size / this.channels);
    return this.normalize(x, mean, variance);
  }

  private normalize<T extends tf.Tensor>(x: T, mean: tf.Tensor, variance: tf.Tensor): T {
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
    return tf.add(tf.mul(tf.sub(x, mean), scale), this.beta) as T;
  }

  /**
   * Runs inside a training forward, possibly under `tf.variableGrads` and `tf.tidy`. The new values are computed in
   * their own tidy and assigned: the moving statistics are not on the loss path, so the tape never backpropagates
   * through them, and the variables keep their data when the surrounding scopes dispose the intermediates.
   */
  private updateMovingStats(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const unbiased = count > 1 ? count / (count - 1) : 1;
    const [nextMean, nextVariance] = tf.tidy(() => [
      tf.add(tf.mul(this.movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)),
      tf.add(tf.mul(this.movingVariance, 1 - BN_MOMENTUM), tf.mul(variance, BN_MOMENTUM * unbiased)),
    ]);
    this.movingMean.assign(nextMean);
    this.movingVariance.assign(nextVariance);
    nextMean.dispose();
    nextVariance.dispose();
  }
}
