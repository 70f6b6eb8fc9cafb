// One entry point from a resolved encoder config to an Encoder (and the head builder, re-exported).
import type { EncoderConfig } from '../config/types';
import type { Rng } from '../util/random';
import { Conv1dEncoder } from './conv1d';
import { Conv2dEncoder } from './conv2d';
import { MlpEncoder } from './mlp';
import { Resnet18Encoder } from './resnet18';
import { TransformerEncoder } from './transformer';
import type { Encoder } from './types';

export { buildHead } from './head';

/**
 * `sampleShape` is one sample's shape without the batch axis. Weights come from `rng` only, so the same seed
 * builds identical encoders on every backend.
 */
export function buildEncoder(
  modality: string,
  sampleShape: number[],
  cfg: EncoderConfig,
  featureDim: number,
  rng: Rng,
): Encoder {
  if (!Number.isInteger(featureDim) || featureDim < 1) {
    throw new Error(`Encoder '${modality}': featureDim must be a positive integer; got ${featureDim}.`);
  }
  switch (cfg.type) {
    case 'mlp':
      return new MlpEncoder(modality, sampleShape, cfg, featureDim, rng);
    case 'conv1d':
      return new Conv1dEncoder(modality, sampleShape, cfg, featureDim, rng);
    case 'conv2d':
      return new Conv2dEncoder(modality, sampleShape, cfg, featureDim, rng);
    case 'resnet18':
      return new Resnet18Encoder(modality, sampleShape, cfg, featureDim, rng);
    case 'transformer':
      return new TransformerEncoder(modality, sampleShape, cfg, featureDim, rng);
  }
}
