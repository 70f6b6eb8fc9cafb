// Convolutions padded explicitly and then run 'valid', to match PyTorch's symmetric padding exactly
// (TF's 'same' pads asymmetrically at stride 2; docs/algorithm.md, encoders).
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../config/types';
import { filled, kaimingNormalFanOut } from '../init';
import { activate, biasActivate } from './activation';
import type { ParamScope } from '../params';

export interface Conv2dOptions {
  kernel: [number, number];
  stride: number;
  /** [before, after] per spatial axis: [[top, bottom], [left, right]]. */
  pad: [[number, number], [number, number]];
  bias: boolean;
}

export class Conv2d {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    scope: ParamScope,
    inChannels: number,
    readonly outChannels: number,
    private readonly opts: Conv2dOptions,
  ) {
    const [kh, kw] = opts.kernel;
    const size = kh * kw * inChannels * outChannels;
    this.kernel = scope.trainableVar(
      'kernel',
      [kh, kw, inChannels, outChannels],
      kaimingNormalFanOut(scope.rng, size, outChannels * kh * kw),
    );
    this.bias = opts.bias ? scope.trainableVar('bias', [outChannels], filled(outChannels, 0)) : null;
  }

  /** `x`: [B, H, W, C] (NHWC); `activation` applied after the bias if given. */
  apply(x: tf.Tensor4D, activation: Activation | null = null): tf.Tensor4D {
    const [[t, b], [l, r]] = this.opts.pad;
    const padded =
      t + b + l + r > 0
        ? tf.pad(x, [
            [0, 0],
            [t, b],
            [l, r],
            [0, 0],
          ])
        : x;
    const y = tf.conv2d(padded, this.kernel as tf.Tensor4D, this.opts.stride, 'valid');
    if (this.bias) return biasActivate(y, this.bias, activation);
    return activation ? activate(y, activation) : y;
  }
}

/** PyTorch's padding='same' at stride 1: total k − 1, the smaller half before. */
export function samePad(kernel: number): [number, number] {
  const before = Math.floor((kernel - 1) / 2);
  return [before, kernel - 1 - before];
}

/** A temporal convolution over [B, T, D], run as a 1×k Conv2D on [B, 1, T, D], 'same' length, with bias. */
export class Conv1d {
  private readonly conv: Conv2d;

  constructor(scope: ParamScope, inChannels: number, outChannels: number, kernelSize: number) {
    this.conv = new Conv2d(scope, inChannels, outChannels, {
      kernel: [1, kernelSize],
      stride: 1,
      pad: [[0, 0], samePad(kernelSize)],
      bias: true,
    });
  }

  apply(x: tf.Tensor3D, activation: Activation | null = null): tf.Tensor3D {
    const [batch, steps, channels] = x.shape;
    const y = this.conv.apply(tf.reshape(x, [batch, 1, steps, channels]), activation);
    return tf.reshape(y, [batch, steps, this.conv.outChannels]);
  }
}
