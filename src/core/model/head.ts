// The shared classification head: logits = f · kernel + bias, kernel [inputDim, classes], Xavier-normal, zero bias.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/random';
import { Linear } from './layers/linear';
import { disposeAll, ParamScope } from './params';
import type { LinearHead, NamedVariable } from './types';

class DenseHead implements LinearHead {
  readonly kernel: NamedVariable;
  readonly bias: NamedVariable;
  private readonly linear: Linear;

  constructor(inputDim: number, classes: number, rng: Rng, name: string) {
    const scope = ParamScope.root(name, rng);
    this.linear = new Linear(scope, inputDim, classes);
    [this.kernel, this.bias] = scope.trainable;
  }

  apply(f: tf.Tensor2D): tf.Tensor2D {
    return this.linear.apply(f) as tf.Tensor2D;
  }

  dispose(): void {
    disposeAll([this.kernel, this.bias]);
  }
}

export function buildHead(inputDim: number, classes: number, rng: Rng, name = 'head'): LinearHead {
  return new DenseHead(inputDim, classes, rng, name);
}
