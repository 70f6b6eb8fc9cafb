// A run whose loss became NaN or infinite is not a run to call completed: its weights are garbage from
// then on. Checked on the epoch's sums, which the trainer reads once per epoch anyway (no extra sync).

import type { TotalsValue } from './totals';

export class NonFiniteLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/** Throws, naming the (1-based) epoch and the modality, when a trained key's summed loss is not finite. */
export function checkFiniteLoss(sums: Record<string, TotalsValue>, epoch: number, fusedKey: string): void {
  for (const [key, v] of Object.entries(sums)) {
    if (v.rows === 0 || Number.isFinite(v.loss)) continue;
    const what = key === fusedKey ? 'the fused loss' : `the loss of modality "${key}"`;
    throw new NonFiniteLossError(
      `epoch ${epoch}: ${what} is ${v.loss} (training diverged; a lower training.optimizer.lr or ` +
        'preprocess.scale may help)',
    );
  }
}
