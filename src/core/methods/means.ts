import type { EpochRecord } from '../runs/types';
import { FUSED_TOTALS_KEY, type EpochMeans, type StepFigure, type StepSums } from './types';

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

/** `train` of an epoch record for a method trained on the fused loss: each modality's read-out, then the fused figures. */
export function fusedTrainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
  return {
    ...unimodalMeans(means, order),
    fusedLoss: means.loss[FUSED_TOTALS_KEY],
    fusedAcc: means.acc[FUSED_TOTALS_KEY],
  };
}

/** A fused step's figures: the fused sums, then each modality's read-out over the `present` rows that have it. */
export function fusedStepFigures(
  step: StepSums & { rows: number; unimodal: readonly StepSums[] },
  names: readonly string[],
  present: readonly number[],
): StepFigure[] {
  return [
    { key: FUSED_TOTALS_KEY, lossSum: step.lossSum, correct: step.correct, rows: step.rows },
    ...step.unimodal.map((u, k) => ({
      key: names[k],
      lossSum: u.lossSum,
      correct: u.correct,
      rows: present[k],
    })),
  ];
}
