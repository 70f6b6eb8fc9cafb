// SGD with PyTorch semantics (torch.optim.SGD, dampening 0): g ← g + wd·p; v ← μv + g;
// update = v (or g + μv with Nesterov); p ← p − lr·update. Torch initialises v to g at the first step,
// which is what μ·0 + g gives, so a zero-filled buffer is the same thing.

import * as tf from '@tensorflow/tfjs';
import type { SgdConfig } from '../config/types';
import type { Optimizer, OptimizerState } from './optimizer';
import { checkGradShape, SlotStore } from './slots';

export class SgdOptimizer implements Optimizer {
  private readonly store: SlotStore;
  // Constants live as kept scalars so a step does not upload them again for every parameter.
  private readonly momentum: tf.Scalar;
  private readonly weightDecay: tf.Scalar;

  constructor(private readonly cfg: SgdConfig) {
    // Without momentum torch keeps no buffer either; the state then holds only step counts.
    this.store = new SlotStore('sgd', cfg.momentum !== 0 ? ['momentum'] : []);
    this.momentum = tf.keep(tf.scalar(cfg.momentum));
    this.weightDecay = tf.keep(tf.scalar(cfg.weightDecay));
  }

  step(updates: { variable: tf.Variable; grad: tf.Tensor }[], lr: number): void {
    const { momentum, nesterov, weightDecay } = this.cfg;
    tf.tidy(() => {
      const lrScalar = tf.scalar(lr);
      for (const { variable, grad } of updates) {
        checkGradShape(variable, grad);
        const state = this.store.get(variable);
        state.step += 1;
        let g = weightDecay !== 0 ? tf.add(grad, tf.mul(variable, this.weightDecay)) : grad;
        if (momentum !== 0) {
          const buf = state.slots.momentum;
          const v = tf.add(tf.mul(buf, this.momentum), g);
          buf.assign(v);
          g = nesterov ? tf.add(g, tf.mul(v, this.momentum)) : v;
        }
        variable.assign(tf.sub(variable, tf.mul(g, lrScalar)));
      }
    });
  }

  exportState(names: Map<tf.Variable, string>): Promise<OptimizerState> {
    return this.store.export(names);
  }

  importState(state: OptimizerState, byName: Map<string, tf.Variable>): void {
    this.store.import(state, byName);
  }

  dispose(): void {
    this.store.dispose();
    this.momentum.dispose();
    this.weightDecay.dispose();
  }
}
