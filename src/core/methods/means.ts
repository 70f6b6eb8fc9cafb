import type { EpochMeans } from './types';

/** The per-modality part of an epoch record's `train`: mean loss and accuracy of each modality in `order`. */
export function unimodalMeans(
  means: EpochMeans,
  order: readonly string[],
): { loss: Record<string, number>; acc: Record<string, number> } {
  const loss: Record<string, number> = {};
  const acc: Record<string, number> = {};
  for (const m of order) {
    loss[m] = means.loss[m];
    acc[m] = means.acc[m];
  }
  return { loss, acc };
}
