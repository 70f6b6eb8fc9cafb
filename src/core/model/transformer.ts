// A small pre-LN transformer over [B, T, D]: Linear(D → dim) + a learned positional table [T, dim] (added by
// broadcasting: no gather, whose backward needs UnsortedSegmentSum); `layers` blocks of
// x + Drop(MHSA(LN(x))), x + Drop(MLP(LN(x))) with a GELU MLP; final LayerNorm; mean over tokens;
// Linear(featureDim) → ReLU.
import * as tf from '@tensorflow/tfjs';
import type { TransformerEncoderConfig } from '../config/types';
import type { Rng } from '../util/random';
import { gelu } from './layers/activation';
import { type Dropout, DropoutFactory } from './layers/dropout';
import { LayerNorm } from './layers/layernorm';
import { Linear } from './layers/linear';
import { hashLabel } from './layers/seeds';
import { normalValues } from './init';
import { ParamScope } from './params';
import { EncoderBase, expectSampleShape, FeatureProjection } from './projection';
import type { Encoder, ForwardContext } from './types';

/** ViT's positional-embedding scale. */
const POSITION_STD = 0.02;

class SelfAttention {
  private readonly query: Linear;
  private readonly key: Linear;
  private readonly value: Linear;
  private readonly out: Linear;

  constructor(
    scope: ParamScope,
    private readonly dim: number,
    private readonly heads: number,
    private readonly attnDropout: Dropout,
  ) {
    this.query = new Linear(scope.child('query'), dim, dim);
    this.key = new Linear(scope.child('key'), dim, dim);
    this.value = new Linear(scope.child('value'), dim, dim);
    this.out = new Linear(scope.child('out'), dim, dim);
  }

  apply(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    const [batch, steps] = x.shape;
    const headDim = this.dim / this.heads;
    // [B, T, dim] → [B, heads, T, headDim]
    const split = (t: tf.Tensor) =>
      tf.transpose(tf.reshape(t, [batch, steps, this.heads, headDim]), [0, 2, 1, 3]);
    const q = split(this.query.apply(x)) as tf.Tensor4D;
    const k = split(this.key.apply(x)) as tf.Tensor4D;
    const v = split(this.value.apply(x)) as tf.Tensor4D;
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim));
    const weights = this.attnDropout.apply(tf.softmax(scores, -1), ctx);
    const mixed = tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]);
    return this.out.apply(tf.reshape(mixed, [batch, steps, this.dim])) as tf.Tensor3D;
  }
}

class Block {
  private readonly norm1: LayerNorm;
  private readonly attention: SelfAttention;
  private readonly drop1: Dropout;
  private readonly norm2: LayerNorm;
  private readonly fc1: Linear;
  private readonly fc2: Linear;
  private readonly dropHidden: Dropout;
  private readonly drop2: Dropout;

  constructor(scope: ParamScope, cfg: TransformerEncoderConfig, dropouts: DropoutFactory) {
    this.norm1 = new LayerNorm(scope.child('norm1'), cfg.dim);
    this.attention = new SelfAttention(scope.child('attn'), cfg.dim, cfg.heads, dropouts.make(cfg.dropout));
    this.drop1 = dropouts.make(cfg.dropout);
    this.norm2 = new LayerNorm(scope.child('norm2'), cfg.dim);
    this.fc1 = new Linear(scope.child('mlp/fc1'), cfg.dim, cfg.ffDim);
    this.fc2 = new Linear(scope.child('mlp/fc2'), cfg.ffDim, cfg.dim);
    this.dropHidden = dropouts.make(cfg.dropout);
    this.drop2 = dropouts.make(cfg.dropout);
  }

  apply(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    const attended = tf.add(x, this.drop1.apply(this.attention.apply(this.norm1.apply(x), ctx), ctx));
    const hidden = this.dropHidden.apply(gelu(this.fc1.apply(this.norm2.apply(attended))), ctx);
    return tf.add(attended, this.drop2.apply(this.fc2.apply(hidden), ctx));
  }
}

export class TransformerEncoder extends EncoderBase implements Encoder {
  private readonly embed: Linear;
  private readonly positions: tf.Variable;
  private readonly blocks: Block[] = [];
  private readonly embedDropout: Dropout;
  private readonly finalNorm: LayerNorm;
  private readonly projection: FeatureProjection;

  constructor(
    modality: string,
    private readonly sampleShape: readonly number[],
    cfg: TransformerEncoderConfig,
    featureDim: number,
    rng: Rng,
  ) {
    if (sampleShape.length !== 2) {
      throw new Error(
        `Encoder '${modality}' (transformer) needs samples of shape [T, D]; got [${sampleShape.join(', ')}].`,
      );
    }
    if (cfg.dim % cfg.heads !== 0) {
      throw new Error(
        `Encoder '${modality}' (transformer): dim ${cfg.dim} is not divisible by heads ${cfg.heads}.`,
      );
    }
    const scope = ParamScope.root(modality, rng);
    super(modality, featureDim, scope);
    const [steps, inDim] = sampleShape;
    const dropouts = new DropoutFactory(hashLabel(modality));
    this.embed = new Linear(scope.child('embed'), inDim, cfg.dim);
    this.positions = scope.trainableVar(
      'positions',
      [steps, cfg.dim],
      normalValues(rng, steps * cfg.dim, POSITION_STD),
    );
    this.embedDropout = dropouts.make(cfg.dropout);
    for (let i = 0; i < cfg.layers; i++) this.blocks.push(new Block(scope.child(`block${i}`), cfg, dropouts));
    this.finalNorm = new LayerNorm(scope.child('norm'), cfg.dim);
    this.projection = new FeatureProjection(scope.child('proj'), cfg.dim, featureDim);
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor2D {
    expectSampleShape(this.modality, x, this.sampleShape);
    let h = tf.add(this.embed.apply(x), this.positions) as tf.Tensor3D;
    h = this.embedDropout.apply(h, ctx);
    for (const block of this.blocks) h = block.apply(h, ctx);
    const pooled = tf.mean(this.finalNorm.apply(h), 1) as tf.Tensor2D;
    return this.projection.apply(pooled);
  }
}
