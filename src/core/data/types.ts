// In-memory shapes of a loaded dataset (docs/formats.md, dataset manifest).

export type NpyDtype = '<f4' | '<f8' | '<i1' | '<i2' | '<i4' | '<i8' | '|u1' | '<u2' | '<u4' | '|b1';

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** A dense C-order array read from disk. `data.length` is the product of `shape`. */
export interface LoadedArray {
  shape: number[];
  /** Numbers as stored; `<i8` arrives as BigInt64Array, `|b1` as Uint8Array of 0/1. */
  data: NumericArray;
  dtype: NpyDtype | 'csv';
}

export interface Modality {
  name: string;
  /** Per-sample shape without the leading N: `[D]`, `[H, W]`, `[H, W, C]` or `[T, D]`. */
  sampleShape: number[];
  /** `[N, ...sampleShape]` row-major, float32. */
  features: Float32Array;
  /** N values: 1 = the sample has this modality. `null` = every sample has it. */
  present: Uint8Array | null;
}

export interface Dataset {
  name: string;
  /** Absolute path of `dataset.json`, or a description such as `<inline manifest in x.mla.json>`. */
  source: string;
  classes: string[];
  /** N labels in [0, classes.length). */
  labels: Int32Array;
  /** In manifest order. */
  modalities: Modality[];
  splits: { train: Int32Array; val: Int32Array | null; test: Int32Array };
}

/** Bad data: the message already names the file, the place and what was expected. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
