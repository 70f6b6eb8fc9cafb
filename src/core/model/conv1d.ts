// Temporal conv encoder over [B, T, D]: per width Conv1d('same') → activation → Dropout; global average pool
// over T; Linear(featureDim) → ReLU.
import type * as tf from '@tensorflow/tfjs';
import type { Conv1dEncoderConfig } from '../config/types';
import type { Rng } from '../util/random';
import { Conv1d } from './layers/conv';
import { type Dropout, DropoutFactory } from './layers/dropout';
import { globalAveragePool } from './layers/pool';
import { hashLabel } from './layers/seeds';
import { ParamScope } from './params';
import { EncoderBase, expectSampleShape, FeatureProjection } from './projection';
import type { Encoder, ForwardContext } from './types';

export class Conv1dEncoder extends EncoderBase implements Encoder {
  private readonly blocks: { conv: Conv1d; dropout: Dropout }[] = [];
  private readonly projection: FeatureProjection;

  constructor(
    modality: string,
    private readonly sampleShape: readonly number[],
    private readonly cfg: Conv1dEncoderConfig,
    featureDim: number,
    rng: Rng,
  ) {
    if (sampleShape.length !== 2) {
      throw new Error(
        `Encoder '${modality}' (conv1d) needs samples of shape [T, D]; got [${sampleShape.join(', ')}].`,
      );
    }
    const scope = ParamScope.root(modality, rng);
    super(modality, featureDim, scope);
    const dropouts = new DropoutFactory(hashLabel(modality));
    let channels = sampleShape[1];
    cfg.channels.forEach((next, i) => {
      this.blocks.push({
        conv: new Conv1d(scope.child(`conv${i}`), channels, next, cfg.kernelSize),
        dropout: dropouts.make(cfg.dropout),
      });
      channels = next;
    });
    this.projection = new FeatureProjection(scope.child('proj'), channels, featureDim);
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor2D {
    expectSampleShape(this.modality, x, this.sampleShape);
    let h = x as tf.Tensor3D;
    for (const { conv, dropout } of this.blocks) {
      h = dropout.apply(conv.apply(h, this.cfg.activation), ctx);
    }
    return this.projection.apply(globalAveragePool(h));
  }
}
