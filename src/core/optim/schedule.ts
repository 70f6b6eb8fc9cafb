// Learning rate for an epoch, set once per epoch as torch schedulers stepped per epoch do.

import type { ScheduleConfig } from '../config/types';

/**
 * `epoch0` is 0-based. step: torch StepLR, lr·γ^⌊e/stepSize⌋. cosine: torch CosineAnnealingLR with
 * T_max = epochs and eta_min = minLr, in its closed form (equal to torch's recursive form for e ≤ T_max).
 */
export function learningRateAt(
  epoch0: number,
  baseLr: number,
  schedule: ScheduleConfig,
  epochs: number,
): number {
  switch (schedule.type) {
    case 'none':
      return baseLr;
    case 'step':
      return baseLr * Math.pow(schedule.gamma, Math.floor(epoch0 / schedule.stepSize));
    case 'cosine': {
      const tMax = Math.max(1, epochs);
      return schedule.minLr + ((baseLr - schedule.minLr) * (1 + Math.cos((Math.PI * epoch0) / tMax))) / 2;
    }
  }
}
