// A resolved config against the defaults: every value the trainer used, each with the value it would have
// had if the config had left that key out. The dashboard's Config view and the run explorer's tooltip show
// which values differ, so no result can differ from the defaults without the person seeing why.

import {
  DEFAULT_ENCODER,
  DEFAULT_FEATURE_DIM,
  DEFAULT_OPTIMIZER,
  DEFAULT_SEEDS,
  GBLENDING_DEFAULTS,
  MMPARETO_DEFAULTS,
  OGM_DEFAULTS,
  RECONBOOST_DEFAULTS,
  TRAINING_DEFAULTS,
} from './defaults';
import { resolveEncoder, resolveFusion, resolveOptimizer, resolveSchedule } from './resolve';
import type { ConfigEntry } from './configEntry';
import type { ResolvedConfig } from './types';

export type { ConfigEntry } from './configEntry';

interface LooseConfig {
  model?: { encoders?: Record<string, { type?: unknown } | undefined> };
  mla?: { order?: string[]; fusion?: { type?: unknown } };
  training?: { epochs?: number; optimizer?: { type?: string }; lrSchedule?: { type?: unknown } };
}

/** A resolved config's shape with default values; a typed block may hold keys of another type. */
export type ConfigDefaults = { [K in keyof ResolvedConfig]: unknown };

/**
 * The config this run would have had from a config naming only its dataset. A block with a `type` (encoder,
 * optimizer, schedule, fusion rule) keeps the default type, but its other keys take the defaults of the
 * type the run chose: an Adam run's `beta1` is compared with Adam's default, not marked for existing.
 */
export function defaultsFor(config: ResolvedConfig): ConfigDefaults {
  // config.json of an older run may lack a block: read the types loosely, the defaults stand in.
  const loose = config as unknown as LooseConfig;
  const encoderTypes = loose.model?.encoders ?? {};
  const modalities = Object.keys(encoderTypes);
  const encoders = Object.fromEntries(
    modalities.map((m) => [
      m,
      { ...resolveEncoder({ type: encoderTypes[m]?.type }), type: DEFAULT_ENCODER.type },
    ]),
  );
  const optimizerType = loose.training?.optimizer?.type ?? DEFAULT_OPTIMIZER.type;
  const optimizer =
    optimizerType === DEFAULT_OPTIMIZER.type
      ? { ...DEFAULT_OPTIMIZER }
      : { ...resolveOptimizer({ type: optimizerType }), type: DEFAULT_OPTIMIZER.type };
  const order = modalities.length > 0 ? modalities : [...(loose.mla?.order ?? [])];
  return {
    name: config.name,
    dataset: config.dataset,
    inlineDataset: config.inlineDataset,
    datasetBaseDir: config.datasetBaseDir,
    method: 'mla',
    model: { featureDim: DEFAULT_FEATURE_DIM, encoders },
    mla: {
      order,
      hgm: { mode: 'replace' },
      alternation: 'fixed',
      fusion: { ...resolveFusion({ type: loose.mla?.fusion?.type }, order), type: 'entropy' },
      replicateTorchZeroGradQuirk: false,
    },
    // `end` follows the run's epochs: left out, modulation lasts the whole run.
    ogm: { ...OGM_DEFAULTS, end: loose.training?.epochs ?? TRAINING_DEFAULTS.epochs },
    mmpareto: { ...MMPARETO_DEFAULTS },
    gblending: { ...GBLENDING_DEFAULTS },
    reconboost: { ...RECONBOOST_DEFAULTS },
    preprocess: { scale: 'standardize', missingRate: { train: 0, test: 0 }, missingFill: 'skip' },
    training: {
      epochs: TRAINING_DEFAULTS.epochs,
      batchSize: TRAINING_DEFAULTS.batchSize,
      optimizer,
      lrSchedule: { ...resolveSchedule({ type: loose.training?.lrSchedule?.type }), type: 'none' },
      valFraction: TRAINING_DEFAULTS.valFraction,
    },
    seeds: [...DEFAULT_SEEDS],
    backend: 'auto',
    threads: 'auto',
  };
}

/** The blocks a config shows: where the data is comes first elsewhere; a method's options only with that method. */
function shownBlocks(config: ResolvedConfig): (keyof ResolvedConfig)[] {
  const blocks: (keyof ResolvedConfig)[] = ['method', 'model', 'mla'];
  if (config.method === 'ogm-ge') blocks.push('ogm');
  if (config.method === 'mmpareto') blocks.push('mmpareto');
  if (config.method === 'gblending') blocks.push('gblending');
  if (config.method === 'reconboost') blocks.push('reconboost');
  blocks.push('preprocess', 'training', 'seeds', 'backend', 'threads');
  return blocks;
}

/** Every value of the run's config (in the config's order), each with its default. */
export function configEntries(config: ResolvedConfig): ConfigEntry[] {
  const defaults: Record<string, unknown> = defaultsFor(config);
  const values = config as unknown as Record<string, unknown>;
  const out: ConfigEntry[] = [];
  for (const block of shownBlocks(config)) walk(block, values[block], defaults[block], out);
  return out;
}

/** The entries whose value differs from the default. */
export function differingEntries(config: ResolvedConfig): ConfigEntry[] {
  return configEntries(config).filter((e) => e.differs);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Objects are walked key by key; numbers, strings, booleans and arrays (hidden sizes, seeds, order) are one
// value each. A key the default lacks (fixed fusion weights of a modality) reads as `–` and differs.
function walk(key: string, value: unknown, fallback: unknown, out: ConfigEntry[]): void {
  if (isObject(value)) {
    const defaults = isObject(fallback) ? fallback : {};
    for (const [k, v] of Object.entries(value)) walk(`${key}.${k}`, v, defaults[k], out);
    return;
  }
  const text = JSON.stringify(value) ?? 'null';
  const defaultText = fallback === undefined ? '–' : JSON.stringify(fallback);
  out.push({ key, value: text, defaultValue: defaultText, differs: text !== defaultText });
}
