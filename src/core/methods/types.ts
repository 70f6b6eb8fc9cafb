// The contract between the training loop and a training method (MLA, the joint baseline, and those to come:
// OGM-GE, G-Blending, MMPareto, ReconBoost, unimodal). The loop owns the data, the network, the optimizer,
// the epochs and the run folder; a method decides what one batch trains and how, what it reports, how it
// predicts, and what of its own state a checkpoint must carry.

import type * as tf from '@tensorflow/tfjs';
import type { Method, ResolvedConfig } from '../config/types';
import type { Checkpoint, NamedTensor } from '../runs/checkpoint';
import type { EpochRecord } from '../runs/types';
import type { Optimizer } from '../optim/optimizer';
import type { RowGatherer } from '../train/batches';
import type { Network } from '../train/network';
import type { PreparedData } from '../train/prepare';

/** A step's figure: on the device where the step ran autodiff, already a number where it ran the fast path. */
export type StepSum = tf.Scalar | number;

export interface StepSums {
  /** Loss × rows, so that partial batches weigh by their size. */
  lossSum: StepSum;
  correct: StepSum;
}

/** What one step measured on its own loss: the sums and the rows they are over. */
export interface StepTotals extends StepSums {
  rows: number;
}

/** A figure for the epoch's running totals under `key` (a modality, or `FUSED_TOTALS_KEY`). */
export interface StepFigure extends StepTotals {
  key: string;
}

/** The totals key of a method's fused (multimodal) training loss and accuracy. */
export const FUSED_TOTALS_KEY = '__fused__';

/** Everything a method trains with; built by the loop once per session. */
export interface MethodSetup {
  config: ResolvedConfig;
  /** The run's seed: what a method draws its own seeded choices from. */
  seed: number;
  data: PreparedData;
  net: Network;
  optimizer: Optimizer;
  /** One per modality, in `data.modalities` order. */
  gatherers: RowGatherer[];
}

export interface TrainBatch {
  /** 0-based epoch the batch belongs to. */
  epoch: number;
  /** Dataset rows of this batch, in the epoch's shuffled order. */
  rows: Int32Array;
  /** 0-based batch of the epoch, and the epoch's number of batches. */
  batch: number;
  batches: number;
  lr: number;
  /** The dropout seed of this batch, derived from (seed, epoch, batch): the same after a resume. */
  seed: number;
}

/** Mean loss and accuracy per totals key over an epoch (NaN where no row contributed). */
export interface EpochMeans {
  loss: Record<string, number>;
  acc: Record<string, number>;
}

/** Eval-mode logits of a chunk of rows. */
export interface ChunkLogits {
  /** `[rows, C]` per modality in `net.order`: each modality's own prediction. */
  unimodal: tf.Tensor2D[];
  /** `[rows, C]` of the method's own fused head, or null: the configured test-time fusion combines `unimodal`. */
  fused: tf.Tensor2D | null;
}

/**
 * How a method's `logits` reads the network's one head, said as data so that evaluation can run it without tf
 * ops (train/fast/mlp-eval.ts). Modality i's logits are fᵢ · K[rows, cols] + c[cols] / `biasDivisor`, with
 * fᵢ its features, K and c the head's kernel and bias, rows fᵢ's own block of featureDim rows (`rowBlock`) and
 * cols a block of C columns (`columnBlock`).
 */
export interface EvalHead {
  /** Whether an absent modality's features are zeroed before the head reads them (`net.jointFeatures`). */
  zeroAbsent: boolean;
  unimodal(index: number, modalities: number): { rowBlock: number; columnBlock: number; biasDivisor: number };
  /**
   * The method's fused logits: none (the configured test-time fusion combines the unimodal ones); the
   * concatenated features · columns 0 … C − 1 of K + those of c; or the log of the mean probability over the
   * modalities a row has (`meanProbabilityLogits`).
   */
  fused: 'none' | 'concat' | 'mean-probabilities';
}

/** What a checkpoint holds of a method beyond the network and the optimizer. */
export interface MethodSnapshot {
  /** Saved beside the weights; names prefixed by the method's own (`hgm/`, …). */
  tensors: NamedTensor[];
  /** The checkpoint's `hgm` field: MLA's projector header, null for every other method. */
  hgm: unknown;
}

/** One session's training under a method. */
export interface MethodTrainer {
  /** Keys of the epoch's running totals: the modalities in order, then any the method adds. */
  readonly totalsKeys: readonly string[];
  /** Trains on one batch (one or several optimizer steps) and returns what to add to the totals. */
  trainBatch(batch: TrainBatch): StepFigure[];
  /** The epoch record's `train` from the epoch's means. */
  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'];
  /** Figures of the method's own, for the epoch record's `diagnostics` (e.g. modulation coefficients). */
  diagnostics?(): Promise<Record<string, number>>;
  snapshot(): Promise<MethodSnapshot>;
  /** Loads the state `snapshot` saved; `checkpoint.dir` names the file in errors. */
  restore(checkpoint: Checkpoint, tensors: Map<string, NamedTensor>): void;
  dispose(): void;
}

export interface TrainingMethod {
  readonly name: Method;
  /** Inputs of the network's head for `modalities` encoders of `featureDim` features each. */
  headInputs(featureDim: number, modalities: number): number;
  /** Outputs of the network's head; `classes` unless the method gives each modality its own block of it. */
  headOutputs?(classes: number, modalities: number): number;
  /** Eval-mode logits of a chunk; `masks` are the presence columns of modalities some rows lack. */
  logits(net: Network, xs: tf.Tensor[], masks: (tf.Tensor2D | null)[]): ChunkLogits;
  /** The same read-out as `logits`, as data, for the heap evaluation; absent: evaluation keeps `logits`. */
  readonly evalHead?: EvalHead;
  /** How the summary describes the fused prediction. */
  fusion(config: ResolvedConfig): { type: string; perSample: boolean };
  trainer(setup: MethodSetup): MethodTrainer;
}
