// Torchvision-style ResNet-18 (docs/algorithm.md, encoders): 7×7/2 stem (pad 3) → BN → ReLU → 3×3/2 max-pool (pad 1, −∞);
// four stages of two BasicBlocks (strides 1, 2, 2, 2) with the configured widths; global average pool; a
// Linear(featureDim) → ReLU projection only when featureDim differs from the last width. No conv has a bias.
import * as tf from '@tensorflow/tfjs';
import type { Resnet18EncoderConfig } from '../config/types';
import type { Rng } from '../util/random';
import { BatchNorm } from './layers/batchnorm';
import { Conv2d } from './layers/conv';
import { globalAveragePool, maxPool3x3Stride2Pad1 } from './layers/pool';
import { gridChannels, toNhwc } from './conv2d';
import { ParamScope } from './params';
import { EncoderBase, expectSampleShape, FeatureProjection } from './projection';
import type { Encoder, ForwardContext } from './types';

class ConvBn {
  private readonly conv: Conv2d;
  private readonly bn: BatchNorm;

  constructor(scope: ParamScope, inC: number, outC: number, kernel: number, stride: number) {
    const pad = (kernel - 1) / 2;
    this.conv = new Conv2d(scope.child('conv'), inC, outC, {
      kernel: [kernel, kernel],
      stride,
      pad: [
        [pad, pad],
        [pad, pad],
      ],
      bias: false,
    });
    this.bn = new BatchNorm(scope.child('bn'), outC);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.bn.apply(this.conv.apply(x), training);
  }
}

class BasicBlock {
  private readonly first: ConvBn;
  private readonly second: ConvBn;
  private readonly downsample: ConvBn | null;

  constructor(scope: ParamScope, inC: number, outC: number, stride: number) {
    this.first = new ConvBn(scope.child('conv1'), inC, outC, 3, stride);
    this.second = new ConvBn(scope.child('conv2'), outC, outC, 3, 1);
    this.downsample =
      stride !== 1 || inC !== outC ? new ConvBn(scope.child('downsample'), inC, outC, 1, stride) : null;
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const h = this.second.apply(tf.relu(this.first.apply(x, training)), training);
    const shortcut = this.downsample ? this.downsample.apply(x, training) : x;
    return tf.relu(tf.add(h, shortcut)) as tf.Tensor4D;
  }
}

const STAGE_STRIDES = [1, 2, 2, 2];

export class Resnet18Encoder extends EncoderBase implements Encoder {
  private readonly stem: ConvBn;
  private readonly blocks: BasicBlock[] = [];
  private readonly projection: FeatureProjection | null;

  constructor(
    modality: string,
    private readonly sampleShape: readonly number[],
    cfg: Resnet18EncoderConfig,
    featureDim: number,
    rng: Rng,
  ) {
    const inChannels = gridChannels(modality, 'resnet18', sampleShape);
    const scope = ParamScope.root(modality, rng);
    super(modality, featureDim, scope);
    const widths = cfg.widths;
    this.stem = new ConvBn(scope.child('stem'), inChannels, widths[0], 7, 2);
    let channels = widths[0];
    widths.forEach((width, stage) => {
      for (let b = 0; b < 2; b++) {
        const stride = b === 0 ? STAGE_STRIDES[stage] : 1;
        this.blocks.push(new BasicBlock(scope.child(`layer${stage + 1}/block${b}`), channels, width, stride));
        channels = width;
      }
    });
    this.projection =
      featureDim !== channels ? new FeatureProjection(scope.child('proj'), channels, featureDim) : null;
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor2D {
    expectSampleShape(this.modality, x, this.sampleShape);
    let h = maxPool3x3Stride2Pad1(tf.relu(this.stem.apply(toNhwc(x), ctx.training)));
    for (const block of this.blocks) h = block.apply(h, ctx.training);
    const pooled = globalAveragePool(h);
    return this.projection ? this.projection.apply(pooled) : pooled;
  }
}
