// Gathers sample rows into tensors. Rows are copied into a reused buffer so that a batch costs one upload
// and no garbage beyond the tensor itself.

import * as tf from '@tensorflow/tfjs';
import type { PreparedModality } from './prepare';

export class RowGatherer {
  private buffer = new Float32Array(0);

  constructor(private readonly modality: PreparedModality) {}

  /** `[rows.length, ...sampleShape]` float32 tensor of the given dataset rows. */
  gather(rows: ArrayLike<number>): tf.Tensor {
    const needed = rows.length * this.modality.sampleSize;
    if (this.buffer.length < needed) this.buffer = new Float32Array(needed);
    this.fill(rows, this.buffer);
    // tf.tensor copies the view, so the buffer can be reused for the next batch.
    return tf.tensor(this.buffer.subarray(0, needed), [rows.length, ...this.modality.sampleShape], 'float32');
  }

  /** Writes the given dataset rows one after another into `target` (at least rows × sample size long). */
  fill(rows: ArrayLike<number>, target: Float32Array): void {
    const size = this.modality.sampleSize;
    const src = this.modality.features;
    for (let i = 0; i < rows.length; i++) {
      const at = rows[i] * size;
      target.set(src.subarray(at, at + size), i * size);
    }
  }
}

/** The rows of `batch` that have the modality. */
export function presentRows(batch: Int32Array, present: Uint8Array, all: boolean): Int32Array {
  if (all) return batch;
  let count = 0;
  for (let i = 0; i < batch.length; i++) count += present[batch[i]];
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < batch.length; i++) if (present[batch[i]]) out[k++] = batch[i];
  return out;
}

/** `[rows, classes]` float32 one-hot rows, built in JS: one upload instead of three kernels. */
export function labelTensor(labels: Int32Array, rows: ArrayLike<number>, classes: number): tf.Tensor2D {
  const oneHot = new Float32Array(rows.length * classes);
  for (let i = 0; i < rows.length; i++) {
    const label = labels[rows[i]];
    // tf.oneHot leaves a row all-zero for a label outside [0, classes); so does this.
    if (label >= 0 && label < classes) oneHot[i * classes + label] = 1;
  }
  return tf.tensor2d(oneHot, [rows.length, classes], 'float32');
}
