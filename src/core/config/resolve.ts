// Fills in every default of a config that `validateConfig` found free of errors (docs/formats.md, training config), with the
// same rules as the PyTorch peer's `resolve_config`, and makes paths absolute.

import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { missingRatesOf } from '../data/missing';
import type { DatasetOutline } from './datasetOutline';
import {
  DEFAULT_ENCODER,
  DEFAULT_FEATURE_DIM,
  DEFAULT_OPTIMIZER,
  DEFAULT_SEEDS,
  ENCODER_TYPE_DEFAULTS,
  ENTROPY_BATCH_SIZE,
  GBLENDING_DEFAULTS,
  MMPARETO_DEFAULTS,
  OGM_DEFAULTS,
  RECONBOOST_DEFAULTS,
  OPTIMIZER_KEY_DEFAULTS,
  SCHEDULE_DEFAULTS,
  TRAINING_DEFAULTS,
} from './defaults';
import type {
  Activation,
  AlternationOrder,
  BackendChoice,
  EncoderConfig,
  EncoderType,
  FusionConfig,
  HgmMode,
  Method,
  MissingFill,
  OgmConfig,
  ReconboostConfig,
  OptimizerConfig,
  OptimizerType,
  ResolvedConfig,
  ScaleMode,
  ScheduleConfig,
  ScheduleType,
} from './types';

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function num(o: Obj, key: string, fallback: number): number {
  return typeof o[key] === 'number' ? (o[key] as number) : fallback;
}

function str<T extends string>(o: Obj, key: string, fallback: T): T {
  return typeof o[key] === 'string' ? (o[key] as T) : fallback;
}

function numbers(o: Obj, key: string, fallback: readonly number[]): number[] {
  const v = o[key];
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? [...(v as number[])] : [...fallback];
}

/** `name` defaults to the config file's name without `.mla.json` (or `.json`). */
export function configNameFromPath(configPath: string): string {
  return basename(configPath)
    .replace(/\.mla\.json$/i, '')
    .replace(/\.json$/i, '');
}

/** One encoder entry with its type's defaults for the keys it leaves out (an entry never inherits `default`). */
export function resolveEncoder(raw: unknown): EncoderConfig {
  const e = obj(raw);
  const type = str<EncoderType>(e, 'type', 'mlp');
  switch (type) {
    case 'mlp':
    case 'conv1d':
    case 'conv2d': {
      const d = ENCODER_TYPE_DEFAULTS[type];
      const dropout = num(e, 'dropout', d.dropout);
      const activation = str<Activation>(e, 'activation', d.activation);
      if (type === 'mlp')
        return { type, hidden: numbers(e, 'hidden', ENCODER_TYPE_DEFAULTS.mlp.hidden), dropout, activation };
      const c = ENCODER_TYPE_DEFAULTS[type];
      return {
        type,
        channels: numbers(e, 'channels', c.channels),
        kernelSize: num(e, 'kernelSize', c.kernelSize),
        dropout,
        activation,
      };
    }
    case 'resnet18': {
      const w = numbers(e, 'widths', ENCODER_TYPE_DEFAULTS.resnet18.widths);
      return { type, widths: [w[0], w[1], w[2], w[3]] };
    }
    case 'transformer': {
      const d = ENCODER_TYPE_DEFAULTS.transformer;
      return {
        type,
        layers: num(e, 'layers', d.layers),
        dim: num(e, 'dim', d.dim),
        heads: num(e, 'heads', d.heads),
        ffDim: num(e, 'ffDim', d.ffDim),
        dropout: num(e, 'dropout', d.dropout),
      };
    }
  }
}

/** The raw encoder entry that applies to `modality`: its own, else `default`, else `undefined` (built-in). */
export function rawEncoderFor(rawEncoders: unknown, modality: string): { raw: unknown; key: string | null } {
  const encoders = obj(rawEncoders);
  if (Object.prototype.hasOwnProperty.call(encoders, modality) && modality !== 'default') {
    return { raw: encoders[modality], key: modality };
  }
  if ('default' in encoders) return { raw: encoders.default, key: 'default' };
  return { raw: undefined, key: null };
}

export function resolveOptimizer(raw: unknown): OptimizerConfig {
  if (raw === undefined) return { ...DEFAULT_OPTIMIZER };
  const o = obj(raw);
  const type = str<OptimizerType>(o, 'type', 'sgd');
  const d = OPTIMIZER_KEY_DEFAULTS;
  const lr = num(o, 'lr', d.lr);
  const weightDecay = num(o, 'weightDecay', d.weightDecay[type]);
  if (type === 'sgd') {
    const nesterov = typeof o.nesterov === 'boolean' ? o.nesterov : d.nesterov;
    return { type, lr, momentum: num(o, 'momentum', d.momentum), nesterov, weightDecay };
  }
  return {
    type,
    lr,
    beta1: num(o, 'beta1', d.beta1),
    beta2: num(o, 'beta2', d.beta2),
    epsilon: num(o, 'epsilon', d.epsilon),
    weightDecay,
  };
}

export function resolveSchedule(raw: unknown): ScheduleConfig {
  const s = obj(raw);
  const type = str<ScheduleType>(s, 'type', 'none');
  if (type === 'step') {
    return {
      type,
      stepSize: num(s, 'stepSize', SCHEDULE_DEFAULTS.stepSize),
      gamma: num(s, 'gamma', SCHEDULE_DEFAULTS.gamma),
    };
  }
  if (type === 'cosine') return { type, minLr: num(s, 'minLr', SCHEDULE_DEFAULTS.minLr) };
  return { type: 'none' };
}

/** Fixed weights may be an object by name or a list in `order`; either way the result is keyed by `order`. */
export function fixedWeightsByName(raw: unknown, order: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  order.forEach((m, i) => {
    const w = Array.isArray(raw) ? (raw as unknown[])[i] : obj(raw)[m];
    out[m] = typeof w === 'number' ? w : 0;
  });
  return out;
}

export function resolveFusion(raw: unknown, order: string[]): FusionConfig {
  const f = obj(raw);
  const type = str<FusionConfig['type']>(f, 'type', 'entropy');
  if (type === 'entropy-batch') return { type, batchSize: num(f, 'batchSize', ENTROPY_BATCH_SIZE) };
  if (type === 'fixed') return { type, weights: fixedWeightsByName(f.weights, order) };
  return { type };
}

/** `end` defaults to the last epoch: modulation throughout, as the paper trains. */
function resolveOgm(o: Obj, epochs: number): OgmConfig {
  return {
    alpha: num(o, 'alpha', OGM_DEFAULTS.alpha),
    start: num(o, 'start', OGM_DEFAULTS.start),
    end: num(o, 'end', epochs),
    noise: typeof o.noise === 'boolean' ? o.noise : OGM_DEFAULTS.noise,
  };
}

function resolveReconboost(o: Obj): ReconboostConfig {
  return {
    stageEpochs: num(o, 'stageEpochs', RECONBOOST_DEFAULTS.stageEpochs),
    rectifyEpochs: num(o, 'rectifyEpochs', RECONBOOST_DEFAULTS.rectifyEpochs),
    lambda: num(o, 'lambda', RECONBOOST_DEFAULTS.lambda),
  };
}

export function resolveConfig(raw: unknown, configPath: string, outline: DatasetOutline): ResolvedConfig {
  const c = obj(raw);
  const modalities = outline.modalities.map((m) => m.name);
  const model = obj(c.model);
  const encoders: Record<string, EncoderConfig> = {};
  for (const m of modalities) {
    const { raw: entry, key } = rawEncoderFor(model.encoders, m);
    encoders[m] = key === null ? structuredClone(DEFAULT_ENCODER) : resolveEncoder(entry);
  }
  const mla = obj(c.mla);
  const order = Array.isArray(mla.order) ? (mla.order as unknown[]).map(String) : [...modalities];
  const preprocess = obj(c.preprocess);
  const training = obj(c.training);
  const configDir = dirname(resolve(configPath));
  const datasetPath = typeof c.dataset === 'string' ? c.dataset : null;
  return {
    name: typeof c.name === 'string' ? c.name : configNameFromPath(configPath),
    dataset:
      datasetPath === null ? null : isAbsolute(datasetPath) ? datasetPath : resolve(configDir, datasetPath),
    inlineDataset: datasetPath === null ? (c.dataset ?? null) : null,
    datasetBaseDir: outline.baseDir,
    method: str<Method>(c, 'method', 'mla'),
    model: { featureDim: num(model, 'featureDim', DEFAULT_FEATURE_DIM), encoders },
    mla: {
      order,
      alternation: str<AlternationOrder>(mla, 'alternation', 'fixed'),
      hgm: { mode: str<HgmMode>(obj(mla.hgm), 'mode', 'replace') },
      fusion: resolveFusion(mla.fusion, order),
      replicateTorchZeroGradQuirk: mla.replicateTorchZeroGradQuirk === true,
    },
    ogm: resolveOgm(obj(c.ogm), num(training, 'epochs', TRAINING_DEFAULTS.epochs)),
    mmpareto: { gamma: num(obj(c.mmpareto), 'gamma', MMPARETO_DEFAULTS.gamma) },
    gblending: {
      warmupEpochs: num(obj(c.gblending), 'warmupEpochs', GBLENDING_DEFAULTS.warmupEpochs),
      holdout: num(obj(c.gblending), 'holdout', GBLENDING_DEFAULTS.holdout),
    },
    reconboost: resolveReconboost(obj(c.reconboost)),
    preprocess: {
      scale: str<ScaleMode>(preprocess, 'scale', 'standardize'),
      missingRate: missingRatesOf(preprocess.missingRate ?? 0),
      missingFill: str<MissingFill>(preprocess, 'missingFill', 'skip'),
    },
    training: {
      epochs: num(training, 'epochs', TRAINING_DEFAULTS.epochs),
      batchSize: num(training, 'batchSize', TRAINING_DEFAULTS.batchSize),
      optimizer: resolveOptimizer(training.optimizer),
      lrSchedule: resolveSchedule(training.lrSchedule),
      valFraction: num(training, 'valFraction', TRAINING_DEFAULTS.valFraction),
    },
    seeds: numbers(c, 'seeds', DEFAULT_SEEDS),
    backend: str<BackendChoice>(c, 'backend', 'auto'),
    threads: typeof c.threads === 'number' ? c.threads : 'auto',
  };
}
