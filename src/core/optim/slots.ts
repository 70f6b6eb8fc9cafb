// Per-parameter optimizer state (step count + slot variables) shared by SGD and Adam, with its
// export/import. Slots are created lazily at a parameter's first step, as torch does.

import * as tf from '@tensorflow/tfjs';
import type { OptimizerState, SlotState } from './optimizer';

export interface ParamState {
  step: number;
  slots: Record<string, tf.Variable>;
}

export class SlotStore {
  private readonly states = new Map<tf.Variable, ParamState>();

  constructor(
    private readonly optimizerType: string,
    private readonly slotNames: readonly string[],
  ) {}

  /** The state of `variable`, with zero-filled slots the first time it is seen. */
  get(variable: tf.Variable): ParamState {
    let state = this.states.get(variable);
    if (!state) {
      const slots: Record<string, tf.Variable> = {};
      for (const name of this.slotNames) {
        slots[name] = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
      }
      state = { step: 0, slots };
      this.states.set(variable, state);
    }
    return state;
  }

  async export(names: Map<tf.Variable, string>): Promise<OptimizerState> {
    const params: OptimizerState['params'] = {};
    const reads: Promise<void>[] = [];
    for (const [variable, state] of this.states) {
      const name = names.get(variable);
      if (name === undefined) {
        throw new Error(`optimizer state: a variable of shape [${variable.shape.join(',')}] has no name`);
      }
      if (name in params) throw new Error(`optimizer state: two variables are named "${name}"`);
      const slots: Record<string, SlotState> = {};
      for (const [slotName, slot] of Object.entries(state.slots)) {
        // Every read started before any is awaited; the slots keep their order in the object.
        slots[slotName] = { shape: [...slot.shape], values: new Float32Array(0) };
        reads.push(
          slot.data().then((v) => {
            // A float32 variable reads as a Float32Array; a copy on every backend but cpu, whose array
            // is never written in place (an update assigns a new one).
            slots[slotName].values = v as Float32Array;
          }),
        );
      }
      params[name] = { step: state.step, slots };
    }
    await Promise.all(reads);
    return { type: this.optimizerType, params };
  }

  import(state: OptimizerState, byName: Map<string, tf.Variable>): void {
    if (state.type !== this.optimizerType) {
      throw new Error(
        `optimizer state: saved for "${state.type}" but the config asks for "${this.optimizerType}"`,
      );
    }
    // Validate everything before touching anything, so a bad file leaves the optimizer as it was.
    const checked: [tf.Variable, number, Record<string, SlotState>][] = [];
    for (const [name, saved] of Object.entries(state.params)) {
      const where = `optimizer state: params["${name}"]`;
      const variable = byName.get(name);
      if (!variable) throw new Error(`${where}: no parameter of the model has this name`);
      if (!Number.isInteger(saved.step) || saved.step < 0) {
        throw new Error(`${where}.step: expected a non-negative integer, found ${saved.step}`);
      }
      for (const slotName of this.slotNames) {
        const slot = saved.slots[slotName];
        if (!slot) throw new Error(`${where}.slots: missing slot "${slotName}"`);
        if (!sameShape(slot.shape, variable.shape)) {
          throw new Error(
            `${where}.slots.${slotName}: shape [${slot.shape.join(',')}] does not match the parameter's ` +
              `shape [${variable.shape.join(',')}]`,
          );
        }
        const size = variable.shape.reduce((a, b) => a * b, 1);
        if (slot.values.length !== size) {
          throw new Error(`${where}.slots.${slotName}: expected ${size} values, found ${slot.values.length}`);
        }
      }
      checked.push([variable, saved.step, saved.slots]);
    }
    for (const [variable, step, savedSlots] of checked) {
      this.forget(variable);
      const slots: Record<string, tf.Variable> = {};
      for (const slotName of this.slotNames) {
        const saved = savedSlots[slotName];
        slots[slotName] = tf.tidy(() => tf.variable(tf.tensor(saved.values, saved.shape, 'float32'), false));
      }
      this.states.set(variable, { step, slots });
    }
  }

  dispose(): void {
    for (const variable of [...this.states.keys()]) this.forget(variable);
  }

  private forget(variable: tf.Variable): void {
    const state = this.states.get(variable);
    if (!state) return;
    for (const slot of Object.values(state.slots)) slot.dispose();
    this.states.delete(variable);
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A gradient of the wrong shape would broadcast silently in TF.js; fail loudly instead. */
export function checkGradShape(variable: tf.Variable, grad: tf.Tensor): void {
  if (!sameShape(variable.shape, grad.shape)) {
    throw new Error(
      `optimizer: gradient of shape [${grad.shape.join(',')}] for variable "${variable.name}" of shape ` +
        `[${variable.shape.join(',')}]`,
    );
  }
}
