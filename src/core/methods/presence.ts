// Which rows of a batch have a modality, as a presence column for the tensor ops and as a count for the totals.

import * as tf from '@tensorflow/tfjs';

/** `[rows, 1]`: 1 where the row has the modality, 0 where it lacks it. */
export function presenceColumn(present: Uint8Array, rows: Int32Array): tf.Tensor2D {
  const v = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) v[i] = present[rows[i]];
  return tf.tensor2d(v, [rows.length, 1]);
}

export function countPresent(present: Uint8Array, rows: Int32Array): number {
  let c = 0;
  for (let i = 0; i < rows.length; i++) c += present[rows[i]];
  return c;
}
