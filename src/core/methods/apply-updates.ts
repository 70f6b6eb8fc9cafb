// The optimizer update of a step's autodiff gradients: on the backend's buffers where the fast path's host
// reaches them (one loop per parameter, optim/fast-update.ts), else as tf ops.

import type * as tf from '@tensorflow/tfjs';
import type { TensorHost } from '../backend/host';
import type { Optimizer } from '../optim/optimizer';

export function applyUpdates(
  optimizer: Optimizer,
  host: TensorHost | null,
  updates: { variable: tf.Variable; grad: tf.Tensor }[],
  lr: number,
): void {
  if (host) optimizer.stepHost(host, updates, lr);
  else optimizer.step(updates, lr);
}
