// Default values of the config. They match the PyTorch peer's `resolve_config` (shared/peer/torch_mla.py) so
// that one config means the same run in both trainers; the schema's `default`s are tested against these.

import type { EncoderConfig, EncoderType, OptimizerConfig } from './types';

export const DEFAULT_FEATURE_DIM = 128;

/** Used for every modality when `model.encoders.default` is absent. */
export const DEFAULT_ENCODER: EncoderConfig = { type: 'mlp', hidden: [256], dropout: 0, activation: 'relu' };

/** Keys an encoder entry leaves out take these, per type. */
export const ENCODER_TYPE_DEFAULTS: { [T in EncoderType]: Extract<EncoderConfig, { type: T }> } = {
  mlp: { type: 'mlp', hidden: [256], dropout: 0, activation: 'relu' },
  conv1d: { type: 'conv1d', channels: [64, 128], kernelSize: 5, dropout: 0, activation: 'relu' },
  conv2d: { type: 'conv2d', channels: [32, 64], kernelSize: 3, dropout: 0, activation: 'relu' },
  resnet18: { type: 'resnet18', widths: [64, 128, 256, 512] },
  transformer: { type: 'transformer', layers: 2, dim: 64, heads: 4, ffDim: 128, dropout: 0.1 },
};

/** When `training.optimizer` is absent (the peer's choice, not PyTorch's). */
export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  type: 'sgd',
  lr: 1e-3,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 1e-4,
};

/** When `training.optimizer` is present, its missing keys take PyTorch's defaults. */
export const OPTIMIZER_KEY_DEFAULTS = {
  lr: 1e-3,
  momentum: 0,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: { sgd: 0, adam: 0, adamw: 0.01 },
} as const;

export const SCHEDULE_DEFAULTS = { stepSize: 70, gamma: 0.1, minLr: 0 } as const;
export const ENTROPY_BATCH_SIZE = 64;

export const TRAINING_DEFAULTS = { epochs: 100, batchSize: 64, valFraction: 0.1 } as const;
/** OGM-GE: the paper tunes α per dataset; 0.5 is a middle value. `end` defaults to the last epoch. */
export const OGM_DEFAULTS = { alpha: 0.5, start: 1, noise: true } as const;
/** MMPareto: the paper's γ. */
export const MMPARETO_DEFAULTS = { gamma: 1.5 } as const;
/** G-Blending: a short warm-up and a fifth of train held out, enough rows for a stable loss on small data. */
export const GBLENDING_DEFAULTS = { warmupEpochs: 2, holdout: 0.2 } as const;
/** ReconBoost: two epochs per stage, one of rectification, rows the rest gets right at half weight. */
export const RECONBOOST_DEFAULTS = { stageEpochs: 2, rectifyEpochs: 1, lambda: 0.5 } as const;
export const DEFAULT_SEEDS: readonly number[] = [0];

/** Sample ranks (shape without N) each encoder type accepts. */
export const ENCODER_SAMPLE_RANKS: { [T in EncoderType]: { ranks: number[] | null; words: string } } = {
  mlp: { ranks: null, words: 'any sample shape' },
  conv1d: { ranks: [2], words: 'a sequence sample [T, D]' },
  transformer: { ranks: [2], words: 'a sequence sample [T, D]' },
  conv2d: { ranks: [2, 3], words: 'a grid sample [H, W] or [H, W, C]' },
  resnet18: { ranks: [2, 3], words: 'a grid sample [H, W] or [H, W, C]' },
};
