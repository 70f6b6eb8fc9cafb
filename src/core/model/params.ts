// Collects an encoder's variables under stable, slash-separated names while layers are being built.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/random';
import type { NamedVariable } from './types';

interface Sink {
  trainable: NamedVariable[];
  state: NamedVariable[];
}

export class ParamScope {
  private constructor(
    readonly rng: Rng,
    private readonly prefix: string,
    private readonly sink: Sink,
  ) {}

  static root(name: string, rng: Rng): ParamScope {
    return new ParamScope(rng, name, { trainable: [], state: [] });
  }

  /** A nested scope sharing the same variable lists and Rng: `audio` → `audio/block0`. */
  child(name: string): ParamScope {
    return new ParamScope(this.rng, `${this.prefix}/${name}`, this.sink);
  }

  get trainable(): NamedVariable[] {
    return this.sink.trainable;
  }

  get state(): NamedVariable[] {
    return this.sink.state;
  }

  trainableVar(name: string, shape: number[], values: Float32Array): tf.Variable {
    return this.add(this.sink.trainable, name, shape, values, true);
  }

  /** Non-trainable: `tf.variableGrads` without a var list skips it, and optimizers never see it. */
  stateVar(name: string, shape: number[], values: Float32Array): tf.Variable {
    return this.add(this.sink.state, name, shape, values, false);
  }

  private add(
    list: NamedVariable[],
    name: string,
    shape: number[],
    values: Float32Array,
    trainable: boolean,
  ): tf.Variable {
    const fullName = `${this.prefix}/${name}`;
    if (
      this.sink.trainable.some((p) => p.name === fullName) ||
      this.sink.state.some((p) => p.name === fullName)
    ) {
      throw new Error(`Parameter name '${fullName}' is used twice.`);
    }
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable));
    list.push({ name: fullName, variable });
    return variable;
  }
}

export function disposeAll(params: readonly NamedVariable[]): void {
  for (const p of params) p.variable.dispose();
}
