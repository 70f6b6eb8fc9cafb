// SGD with PyTorch semantics (torch.optim.SGD, dampening 0): g ← g + wd·p; v ← μv + g;
// update = v (or g + μv with Nesterov); p ← p − lr·update. Torch initialises v to g at the first step,
// which is what μ·0 + g gives, so a zero-filled buffer is the same thing.

import * as tf from '@tensorflow/tfjs';
import type { SgdConfig } from '../config/types';
import type { Info, TensorHost } from '../backend/host';
import { sgdPlainLoop } from '../backend/loops';
import { assignFromHost, checkHostGrad, type HostUpdate } from './fast-update';
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

  stepHost(host: TensorHost, updates: HostUpdate[], lr: number): void {
    const { momentum, nesterov, weightDecay } = this.cfg;
    const withMomentum = momentum !== 0;
    const states = updates.map(({ variable, grad }) => {
      checkHostGrad(variable, grad);
      const state = this.store.get(variable);
      state.step += 1;
      return state;
    });
    // Every buffer first: an allocation may move the wasm heap under views taken before it. Gradients held
    // in JS (bias sums, the zero gradients of the zero_grad quirk) go to the backend, where the loops run.
    const temps: Info[] = [];
    const grads = updates.map(({ variable, grad }) => {
      if (grad !== null && !(grad instanceof Float32Array)) return grad;
      const info = host.upload(grad ?? new Float32Array(variable.size), [...variable.shape]);
      temps.push(info);
      return info;
    });
    const pOut = updates.map(({ variable }) => host.output([...variable.shape]));
    const vOut = withMomentum ? updates.map(({ variable }) => host.output([...variable.shape])) : [];
    const c = { lr, momentum, weightDecay, nesterov };
    updates.forEach(({ variable }, i) => {
      if (withMomentum) host.sgdMomentum(variable, grads[i], states[i].slots.momentum, pOut[i], vOut[i], c);
      else sgdPlainLoop(host.view(variable), host.view(grads[i]), host.view(pOut[i]), c);
    });
    host.release(...temps);
    updates.forEach(({ variable }, i) => {
      assignFromHost(host, variable, pOut[i]);
      if (withMomentum) assignFromHost(host, states[i].slots.momentum, vOut[i]);
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
