// The optimizer contract the trainer uses, and the factory that builds one from the config.
// We write our own optimizers (sgd.ts, adam.ts) instead of tf.train.*: TF.js optimizers have no weight decay,
// keep Adam's step count global (torch keeps one per parameter) and hold state we could not checkpoint.

import type * as tf from '@tensorflow/tfjs';
import type { TensorHost } from '../backend/host';
import type { OptimizerConfig } from '../config/types';
import { AdamOptimizer } from './adam';
import type { HostUpdate } from './fast-update';
import { SgdOptimizer } from './sgd';

/** One optimizer slot (momentum buffer, Adam moment): a copy, typed, as a checkpoint writes it. */
export interface SlotState {
  shape: number[];
  values: Float32Array;
}

/** Everything an optimizer remembers, keyed by the caller's stable parameter names; a copy. */
export interface OptimizerState {
  type: string;
  params: Record<string, { step: number; slots: Record<string, SlotState> }>;
}

export interface Optimizer {
  /** Applies one update to each listed variable; variables not listed are untouched (no decay, no momentum). */
  step(updates: { variable: tf.Variable; grad: tf.Tensor }[], lr: number): void;
  /** The same update on the backend's buffers (the fast path); same state, same numbers. */
  stepHost(host: TensorHost, updates: HostUpdate[], lr: number): void;
  /** Slots and step counts, keyed by the caller's stable parameter names, for checkpoints. */
  exportState(names: Map<tf.Variable, string>): Promise<OptimizerState>;
  /** Replaces the state of every variable named in `state`; throws a clear Error when it does not fit. */
  importState(state: OptimizerState, byName: Map<string, tf.Variable>): void;
  dispose(): void;
}

export function createOptimizer(cfg: OptimizerConfig): Optimizer {
  switch (cfg.type) {
    case 'sgd':
      return new SgdOptimizer(cfg);
    case 'adam':
    case 'adamw':
      return new AdamOptimizer(cfg);
  }
}
