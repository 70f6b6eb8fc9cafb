// What the methods on joint training's network share (OGM-GE, MMPareto, ReconBoost): one head on the
// concatenated features, the fused prediction that head's, each modality's own prediction read from its
// slice of the head plus 1/M of the bias.

import * as tf from '@tensorflow/tfjs';
import type { Network } from '../train/network';
import type { TrainingMethod } from './types';

/** Modality `index`'s logits from its slice of the shared head plus 1/M of the bias. */
export function headSliceLogits(net: Network, index: number, features: tf.Tensor2D): tf.Tensor2D {
  const d = net.featureDim;
  const M = net.order.length;
  const kernel = net.head.kernel.variable as tf.Tensor2D;
  const slice = kernel.slice([index * d, 0], [d, net.classes]);
  return features.matMul(slice).add(net.head.bias.variable.div(M)) as tf.Tensor2D;
}

/** The head's size, prediction and fusion of a method on the concatenation head. */
export const concatHeadPrediction: Pick<TrainingMethod, 'headInputs' | 'logits' | 'evalHead' | 'fusion'> = {
  headInputs: (featureDim, modalities) => featureDim * modalities,
  logits(net, xs, masks) {
    const ctx = { training: false, seed: 0 };
    const feats = net.jointFeatures(xs, masks, ctx);
    return {
      unimodal: feats.map((f, i) => headSliceLogits(net, i, f)),
      fused: net.head.apply(tf.concat(feats, 1)),
    };
  },
  evalHead: {
    zeroAbsent: true,
    unimodal: (index, modalities) => ({ rowBlock: index, columnBlock: 0, biasDivisor: modalities }),
    fused: 'concat',
  },
  fusion: () => ({ type: 'concat-head', perSample: false }),
};
