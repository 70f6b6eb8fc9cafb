import * as tf from '@tensorflow/tfjs';

/** Mean over every axis between batch and channels: [B, ..., C] → [B, C]. */
export function globalAveragePool(x: tf.Tensor): tf.Tensor2D {
  const axes = x.shape.slice(1, -1).map((_, i) => i + 1);
  return (axes.length > 0 ? tf.mean(x, axes) : x) as tf.Tensor2D;
}

/**
 * 2×2 max-pool, stride 2, flooring odd sizes like PyTorch's MaxPool2d(2). An axis that is already 1 wide is not
 * pooled (so a [T, 1] map keeps shrinking along T); when both are, the map is returned as is.
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  const ph = h >= 2 ? 2 : 1;
  const pw = w >= 2 ? 2 : 1;
  if (ph === 1 && pw === 1) return x;
  return tf.maxPool(x, [ph, pw], [ph, pw], 'valid');
}

/** The map size after `maxPool2x2`. */
export function pooledSize(h: number, w: number): [number, number] {
  return [h >= 2 ? Math.floor(h / 2) : h, w >= 2 ? Math.floor(w / 2) : w];
}

/** ResNet's stem pool: 3×3, stride 2, padding 1 with −∞ (so padding never wins the max). */
export function maxPool3x3Stride2Pad1(x: tf.Tensor4D): tf.Tensor4D {
  const padded = tf.pad(
    x,
    [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
    -Infinity,
  );
  return tf.maxPool(padded, 3, 2, 'valid');
}
