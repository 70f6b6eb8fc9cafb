// Grid conv encoder over [B, H, W] or [B, H, W, C]: per width Conv2d(k×k, PyTorch 'same' padding) → activation
// → 2×2 max-pool (axes already 1 wide are not pooled) → Dropout; global average pool; Linear(featureDim) → ReLU.
import * as tf from '@tensorflow/tfjs';
import type { Conv2dEncoderConfig } from '../config/types';
import type { Rng } from '../util/random';
import { Conv2d, samePad } from './layers/conv';
import { type Dropout, DropoutFactory } from './layers/dropout';
import { globalAveragePool, maxPool2x2 } from './layers/pool';
import { hashLabel } from './layers/seeds';
import { ParamScope } from './params';
import { EncoderBase, expectSampleShape, FeatureProjection } from './projection';
import type { Encoder, ForwardContext } from './types';

export class Conv2dEncoder extends EncoderBase implements Encoder {
  private readonly blocks: { conv: Conv2d; dropout: Dropout }[] = [];
  private readonly projection: FeatureProjection;

  constructor(
    modality: string,
    private readonly sampleShape: readonly number[],
    private readonly cfg: Conv2dEncoderConfig,
    featureDim: number,
    rng: Rng,
  ) {
    const inChannels = gridChannels(modality, 'conv2d', sampleShape);
    const scope = ParamScope.root(modality, rng);
    super(modality, featureDim, scope);
    const dropouts = new DropoutFactory(hashLabel(modality));
    const pad = samePad(cfg.kernelSize);
    let channels = inChannels;
    cfg.channels.forEach((next, i) => {
      const conv = new Conv2d(scope.child(`conv${i}`), channels, next, {
        kernel: [cfg.kernelSize, cfg.kernelSize],
        stride: 1,
        pad: [pad, pad],
        bias: true,
      });
      this.blocks.push({ conv, dropout: dropouts.make(cfg.dropout) });
      channels = next;
    });
    this.projection = new FeatureProjection(scope.child('proj'), channels, featureDim);
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor2D {
    expectSampleShape(this.modality, x, this.sampleShape);
    let h = toNhwc(x);
    for (const { conv, dropout } of this.blocks) {
      h = dropout.apply(maxPool2x2(conv.apply(h, this.cfg.activation)), ctx);
    }
    return this.projection.apply(globalAveragePool(h));
  }
}

/** Channels of a grid sample: [H, W] has 1, [H, W, C] has C. */
export function gridChannels(modality: string, type: string, sampleShape: readonly number[]): number {
  if (sampleShape.length === 2) return 1;
  if (sampleShape.length === 3) return sampleShape[2];
  throw new Error(
    `Encoder '${modality}' (${type}) needs samples of shape [H, W] or [H, W, C]; got [${sampleShape.join(', ')}].`,
  );
}

/** [B, H, W] gains a channel axis; [B, H, W, C] is already NHWC. */
export function toNhwc(x: tf.Tensor): tf.Tensor4D {
  return (x.rank === 3 ? tf.expandDims(x, -1) : x) as tf.Tensor4D;
}
