// How much the product reads of each kind of file. A cloned repository decides what its files are, so every
// read has a ceiling below what would exhaust the machine or abort Node; the ceilings sit well above any
// real file of that kind.

const MiB = 1024 * 1024;

/** Node reads at most 2 GiB − 1 bytes in one call and into one Buffer from `fs` (`kIoMaxLength`). */
export const NODE_READ_MAX = 2 ** 31 - 1;

export const LIMITS = {
  /** `*.mla.json`, `dataset.json`, and a run folder's `config.json`, `status.json`, `summary.json`. */
  document: 8 * MiB,
  /** A checkpoint's `state.json` (optimizer, HGM and random-stream state; the tensors are in weights.bin). */
  checkpointState: 64 * MiB,
  /** `metrics.jsonl` and `fusion.jsonl` read whole (views that follow a live run read them by offset). */
  jsonl: 256 * MiB,
  /** A run's log or config opened in the editor (which reads it itself). */
  editor: 256 * MiB,
  /** Array files (`.npy`, `.csv`, `.txt`) and checkpoint weights: as much as one read can hold. */
  data: NODE_READ_MAX,
} as const;

export interface GzipLimits {
  /** Inflated bytes allowed per compressed byte. */
  ratio: number;
  /** The ratio never limits a file below this (small files of zeros compress far better than 100:1). */
  floor: number;
  /** Inflated bytes allowed for any file. */
  cap: number;
}

/** deflate reaches about 1000:1 on runs of one byte; real tables of numbers stay far below 100:1. */
export const GZIP_LIMITS: GzipLimits = { ratio: 100, floor: 64 * MiB, cap: NODE_READ_MAX };
