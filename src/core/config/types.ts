// The training config as users write it (`*.mla.json`, docs/formats.md, training config) and as the trainer uses it once every
// default is filled in. `RawConfig` is untrusted JSON; `ResolvedConfig` is what `resolveConfig` returns after
// `validateConfig` found no error, and what `config.json` of a run folder records.

export type MissingFill = 'skip' | 'zeros';
export type Method = 'mla' | 'joint' | 'unimodal' | 'ogm-ge' | 'mmpareto' | 'gblending' | 'reconboost';
export type Activation = 'relu' | 'gelu' | 'tanh' | 'elu';
export type HgmMode = 'replace' | 'add' | 'off';
/** How `mla.order` is walked in each batch: as written, backwards, or a seeded permutation per epoch. */
export type AlternationOrder = 'fixed' | 'reversed' | 'random';
export type FusionType = 'entropy' | 'entropy-batch' | 'fixed' | 'mean';
export type ScaleMode = 'standardize' | 'minmax' | 'none';
export type OptimizerType = 'sgd' | 'adam' | 'adamw';
export type ScheduleType = 'none' | 'step' | 'cosine';
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendChoice, 'auto'>;

export interface MlpEncoderConfig {
  type: 'mlp';
  hidden: number[];
  dropout: number;
  activation: Activation;
}

/** Temporal convolutions over a `[T, D]` sequence (D = input channels), then global average pooling. */
export interface Conv1dEncoderConfig {
  type: 'conv1d';
  channels: number[];
  kernelSize: number;
  dropout: number;
  activation: Activation;
}

/** Conv → activation → 2×2 max-pool blocks over a `[H, W]` or `[H, W, C]` grid, then global average pooling. */
export interface Conv2dEncoderConfig {
  type: 'conv2d';
  channels: number[];
  kernelSize: number;
  dropout: number;
  activation: Activation;
}

/** Torchvision-style ResNet-18 (BasicBlock [2,2,2,2]) for grids, as the paper's audio/visual encoder. */
export interface Resnet18EncoderConfig {
  type: 'resnet18';
  widths: [number, number, number, number];
}

/** A small pre-LayerNorm transformer over a `[T, D]` sequence; features are the mean over tokens. */
export interface TransformerEncoderConfig {
  type: 'transformer';
  layers: number;
  dim: number;
  heads: number;
  ffDim: number;
  dropout: number;
}

export type EncoderConfig =
  | MlpEncoderConfig
  | Conv1dEncoderConfig
  | Conv2dEncoderConfig
  | Resnet18EncoderConfig
  | TransformerEncoderConfig;

export type EncoderType = EncoderConfig['type'];

export interface SgdConfig {
  type: 'sgd';
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface AdamConfig {
  type: 'adam' | 'adamw';
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export type OptimizerConfig = SgdConfig | AdamConfig;

export type ScheduleConfig =
  { type: 'none' } | { type: 'step'; stepSize: number; gamma: number } | { type: 'cosine'; minLr: number };

export type FusionConfig =
  | { type: 'entropy' }
  | { type: 'mean' }
  | { type: 'entropy-batch'; batchSize: number }
  | { type: 'fixed'; weights: Record<string, number> };

export interface OgmConfig {
  /** Modulation strength α of k = 1 − tanh(α·ρ). */
  alpha: number;
  /** First and last epoch (1-based, inclusive) in which gradients are modulated. */
  start: number;
  end: number;
  /** Adds the generalisation-enhancement Gaussian noise to the modulated gradients. */
  noise: boolean;
}

export interface MmparetoConfig {
  /** The combined encoder gradient's norm, at least the summed gradient's, is multiplied by γ. */
  gamma: number;
}

export interface GblendingConfig {
  /** Epochs trained with equal loss weights before the weights are measured; at least 1, below the epochs. */
  warmupEpochs: number;
  /** Fraction of the train rows held out (seeded, stratified) during the warm-up to measure the weights on. */
  holdout: number;
}

export interface ReconboostConfig {
  /** Epochs of each stage, which trains one modality's learner on the reconcilement loss. */
  stageEpochs: number;
  /** Epochs of global rectification (the fused cross-entropy) after each stage; 0 for none. */
  rectifyEpochs: number;
  /** λ of the reconcilement weights w = 1 − λ·p_rest(y), in [0, 1]. */
  lambda: number;
}

export interface ResolvedConfig {
  name: string;
  /** Absolute path of the dataset manifest, or `null` for an inline manifest (then `inlineDataset` holds it). */
  dataset: string | null;
  inlineDataset: unknown;
  /** Folder that the manifest's relative paths start from. */
  datasetBaseDir: string;
  method: Method;
  model: {
    featureDim: number;
    /** One entry per modality of the dataset, `default` already applied. */
    encoders: Record<string, EncoderConfig>;
  };
  mla: {
    order: string[];
    alternation: AlternationOrder;
    hgm: { mode: HgmMode };
    fusion: FusionConfig;
    /** Reproduces the reference code's momentum-only updates of already-processed encoders (docs/algorithm.md, training). */
    replicateTorchZeroGradQuirk: boolean;
  };
  /** OGM-GE options (docs/algorithm.md, OGM-GE); read only with method `ogm-ge`. */
  ogm: OgmConfig;
  /** MMPareto options (docs/algorithm.md, MMPareto); read only with method `mmpareto`. */
  mmpareto: MmparetoConfig;
  /** G-Blending options (docs/algorithm.md, G-Blending); read only with method `gblending`. */
  gblending: GblendingConfig;
  /** ReconBoost options (docs/algorithm.md, ReconBoost); read only with method `reconboost`. */
  reconboost: ReconboostConfig;
  preprocess: {
    scale: ScaleMode;
    /** Simulated missing rates of the train and validation rows and of the test rows (docs/formats.md). */
    missingRate: { train: number; test: number };
    /** How a missing modality is filled: left out of its steps and of the fusion, or zeros taken as input. */
    missingFill: MissingFill;
  };
  training: {
    epochs: number;
    batchSize: number;
    optimizer: OptimizerConfig;
    lrSchedule: ScheduleConfig;
    valFraction: number;
  };
  seeds: number[];
  backend: BackendChoice;
  /** Threads of the wasm kernels (backend/threads.ts); results do not depend on it. */
  threads: 'auto' | number;
}

/** Where a diagnostic points: a JSON pointer into the config and the matching text range (0-based). */
export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** RFC 6901 pointer, e.g. `/mla/order/2`; `''` for the whole document. */
  pointer: string;
  range: TextRange;
  /** Edits that fix the problem, when the fix is knowable (most likely first); the editor offers them. */
  fixes?: DiagnosticFix[];
  /**
   * A warning whose run would differ from what the text says (an ignored block or value, a modality never
   * trained, a duplicate key): Train asks before it starts.
   */
  changesRun?: true;
}

export interface DiagnosticFix {
  title: string;
  edits: TextEdit[];
}

/** Replace `range` of the config text with `newText` (an empty range inserts). */
export interface TextEdit {
  range: TextRange;
  newText: string;
}

export interface TextRange {
  start: TextPosition;
  end: TextPosition;
}

/** 0-based line and character (UTF-16 code units), the same convention as VS Code's `Position`. */
export interface TextPosition {
  line: number;
  character: number;
}
