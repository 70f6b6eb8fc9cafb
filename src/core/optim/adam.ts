// Adam and AdamW with PyTorch semantics (torch.optim.Adam / AdamW, amsgrad off).
// Adam: L2 decay in the gradient, g ← g + wd·p. AdamW: decoupled decay first, p ← p·(1 − lr·wd).
// Bias correction uses a step count per parameter, as torch's state['step']: under MLA the shared head is
// stepped once per modality per batch while each encoder is stepped once, so their counts differ.

import * as tf from '@tensorflow/tfjs';
import type { AdamConfig } from '../config/types';
import type { TensorHost } from '../backend/host';
import { adamLoop, assignFromHost, checkHostGrad, gradView, type HostUpdate } from './fast-update';
import type { Optimizer, OptimizerState } from './optimizer';
import { checkGradShape, SlotStore } from './slots';

export class AdamOptimizer implements Optimizer {
  private readonly store: SlotStore;
  private readonly beta1: tf.Scalar;
  private readonly oneMinusBeta1: tf.Scalar;
  private readonly beta2: tf.Scalar;
  private readonly oneMinusBeta2: tf.Scalar;
  private readonly weightDecay: tf.Scalar;

  constructor(private readonly cfg: AdamConfig) {
    this.store = new SlotStore(cfg.type, ['m', 'v']);
    this.beta1 = tf.keep(tf.scalar(cfg.beta1));
    this.oneMinusBeta1 = tf.keep(tf.scalar(1 - cfg.beta1));
    this.beta2 = tf.keep(tf.scalar(cfg.beta2));
    this.oneMinusBeta2 = tf.keep(tf.scalar(1 - cfg.beta2));
    this.weightDecay = tf.keep(tf.scalar(cfg.weightDecay));
  }

  step(updates: { variable: tf.Variable; grad: tf.Tensor }[], lr: number): void {
    const { beta1, beta2, epsilon, weightDecay, type } = this.cfg;
    const decoupled = type === 'adamw';
    tf.tidy(() => {
      const decayFactor = decoupled && weightDecay !== 0 ? tf.scalar(1 - lr * weightDecay) : null;
      for (const { variable, grad } of updates) {
        checkGradShape(variable, grad);
        const state = this.store.get(variable);
        state.step += 1;
        let p: tf.Tensor = variable;
        let g = grad;
        if (decayFactor) p = tf.mul(variable, decayFactor);
        else if (!decoupled && weightDecay !== 0) g = tf.add(grad, tf.mul(variable, this.weightDecay));
        const { m, v } = state.slots;
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, this.oneMinusBeta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), this.oneMinusBeta2));
        m.assign(mNew);
        v.assign(vNew);
        // torch: p −= (lr/bc1)·m / (√v/√bc2 + ε). Multiplying numerator and denominator by √bc2 gives the same
        // value with one kernel fewer: p −= (lr·√bc2/bc1)·m / (√v + ε·√bc2).
        const bc1 = 1 - Math.pow(beta1, state.step);
        const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, state.step));
        const denom = tf.add(tf.sqrt(vNew), tf.scalar(epsilon * sqrtBc2));
        const stepSize = tf.scalar((lr * sqrtBc2) / bc1);
        variable.assign(tf.sub(p, tf.mul(tf.div(mNew, denom), stepSize)));
      }
    });
  }

  stepHost(host: TensorHost, updates: HostUpdate[], lr: number): void {
    const { beta1, beta2, epsilon, weightDecay, type } = this.cfg;
    const decoupled = type === 'adamw';
    const decayFactor = decoupled && weightDecay !== 0 ? 1 - lr * weightDecay : null;
    const l2 = !decoupled ? weightDecay : 0;
    const states = updates.map(({ variable, grad }) => {
      checkHostGrad(variable, grad);
      const state = this.store.get(variable);
      state.step += 1;
      return state;
    });
    // Every buffer first: an allocation may move the wasm heap under views taken before it.
    const outs = updates.map(({ variable }) => ({
      p: host.output([...variable.shape]),
      m: host.output([...variable.shape]),
      v: host.output([...variable.shape]),
    }));
    updates.forEach(({ variable, grad }, i) => {
      const step = states[i].step;
      const bc1 = 1 - Math.pow(beta1, step);
      const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, step));
      const { m, v } = states[i].slots;
      adamLoop(
        host.view(variable),
        gradView(host, grad, variable.size),
        host.view(m),
        host.view(v),
        host.view(outs[i].p),
        host.view(outs[i].m),
        host.view(outs[i].v),
        { beta1, beta2, decayFactor, l2, epsilon: epsilon * sqrtBc2, stepSize: (lr * sqrtBc2) / bc1 },
      );
    });
    updates.forEach(({ variable }, i) => {
      const { m, v } = states[i].slots;
      assignFromHost(host, variable, outs[i].p);
      assignFromHost(host, m, outs[i].m);
      assignFromHost(host, v, outs[i].v);
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
    for (const s of [this.beta1, this.oneMinusBeta1, this.beta2, this.oneMinusBeta2, this.weightDecay]) {
      s.dispose();
    }
  }
}
