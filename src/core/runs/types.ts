// Records of a run folder (docs/formats.md, run folder). The trainer writes them; the extension, the dashboard and the
// command line read them. Accuracies are fractions in [0, 1]; epochs are 1-based.

export type RunState = 'running' | 'completed' | 'stopped' | 'failed';

/**
 * How a run reads to a person: the state status.json records, except `stale` (it says running, but its
 * process on this machine is gone: neither finished nor failed, and resumable from its last checkpoint)
 * and `remote` (running on another machine, which this one cannot check).
 */
export type DisplayState = RunState | 'stale' | 'remote';

export interface RunStatus {
  state: RunState;
  pid: number;
  /** Host name, so a reader can tell a dead local process from a run on another machine. */
  host: string;
  /** The trainer's boot id and process start time (see process-identity.ts), where the OS has them. */
  bootId?: string | null;
  processStart?: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Last finished epoch (0 before the first one ends). */
  epoch: number;
  epochs: number;
  error?: string;
}

/** Accuracy figures of one split at one epoch. */
export interface SplitScores {
  fused: number;
  unimodal: Record<string, number>;
  macroF1: number;
  loss: number;
}

export interface StepRecord {
  type: 'step';
  epoch: number;
  batch: number;
  batches: number;
  /** Per-modality training loss of this batch (MLA), or `fused` for joint training. */
  loss: Record<string, number>;
  elapsed: number;
}

export interface EpochRecord {
  type: 'epoch';
  epoch: number;
  epochs: number;
  lr: number;
  train: {
    /** Mean per-modality cross-entropy over the epoch's batches (for joint: the unimodal read-out's). */
    loss: Record<string, number>;
    acc: Record<string, number>;
    /** Joint training's fused loss and accuracy; MLA has no fused training loss. */
    fusedLoss: number | null;
    fusedAcc: number | null;
  };
  val: SplitScores;
  test: SplitScores;
  /** Mean test-set fusion weight per modality (over samples that have it). */
  fusionWeights: Record<string, number>;
  samplesPerSecond: number;
  /** Training seconds of this epoch, evaluation excluded. */
  seconds: number;
  /** Seconds since the run started (evaluation and earlier sessions included). */
  elapsed: number;
  best: boolean;
  time: string;
  /** Figures of the training method's own (e.g. gradient modulation coefficients); absent for MLA and joint. */
  diagnostics?: Record<string, number>;
}

export type MetricsRecord = StepRecord | EpochRecord;

export interface SummaryScores {
  fused: number;
  unimodal: Record<string, number>;
  macroF1: number;
}

export interface RunSummary {
  state: RunState;
  method: string;
  seed: number;
  backend: string;
  /** Epochs finished. */
  epochs: number;
  /** 1-based epoch with the best fused validation accuracy (earliest wins ties). */
  bestEpoch: number;
  /** Training seconds (evaluation excluded), over all sessions of the run. */
  seconds: number;
  wallSeconds: number;
  samplesPerSecond: number;
  test: SummaryScores;
  val: SummaryScores;
  last: { test: SummaryScores; val: SummaryScores };
  fusion: { type: string; perSample: boolean; epoch: number };
}

/** One line of `fusion.jsonl`: a test sample as the best checkpoint sees it. */
export interface FusionRecord {
  /** Row of the sample in the dataset. */
  id: number;
  /** Position in the test split. */
  index: number;
  label: number;
  /** Per modality present: class probabilities of `head(f_m)`; absent modalities are left out. */
  probs: Record<string, number[]>;
  entropy: Record<string, number>;
  weights: Record<string, number>;
  fused: number[];
  prediction: number;
  correct: boolean;
}
