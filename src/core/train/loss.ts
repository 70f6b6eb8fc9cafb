// Mean softmax cross-entropy over the rows, written out so its gradient is a handful of kernels.

import * as tf from '@tensorflow/tfjs';

export function softmaxCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** Number of rows whose arg-max matches the one-hot label. */
export function countCorrect(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)).toFloat()) as tf.Scalar);
}
