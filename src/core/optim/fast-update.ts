// The optimizers' updates on the backend's buffers (the fast path's form of `Optimizer.step`): SGD by the
// host's loops (backend/loops.ts, SIMD on wasm), Adam by the JS loop below; the same arithmetic as the tf ops
// in sgd.ts and adam.ts, in the same order and rounded to float32 after every operation as those kernels do.
//
// A parameter always gets a new buffer: XNNPACK caches its packed weights per buffer of a matmul's `b`, so a
// parameter written in place would be multiplied with its stale packed copy.

import type * as tf from '@tensorflow/tfjs';
import type { Info, TensorHost } from '../backend/host';
import { sameShape } from './slots';

/** A gradient on the backend (a buffer of the step), in JS memory, or null for an all-zero gradient. */
export type HostGrad = Info | Float32Array | null;

export interface HostUpdate {
  variable: tf.Variable;
  grad: HostGrad;
}

export function gradView(host: TensorHost, grad: HostGrad, size: number): Float32Array {
  if (grad === null) return new Float32Array(size);
  return grad instanceof Float32Array ? grad : host.view(grad);
}

export function checkHostGrad(variable: tf.Variable, grad: HostGrad): void {
  const shape = grad === null ? variable.shape : grad instanceof Float32Array ? [grad.length] : grad.shape;
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const fits =
    grad instanceof Float32Array ? size(shape) === variable.size : sameShape(shape, variable.shape);
  if (!fits) {
    throw new Error(
      `optimizer: gradient of shape [${shape.join(',')}] for variable "${variable.name}" of shape ` +
        `[${variable.shape.join(',')}]`,
    );
  }
}

/** Replaces the value of `variable` by the host buffer `info` (which the variable then owns). */
export function assignFromHost(host: TensorHost, variable: tf.Variable, info: Info): void {
  const t = host.toTensor({ dataId: info.dataId, shape: [...variable.shape], dtype: 'float32' });
  variable.assign(t);
  t.dispose();
}

const f = Math.fround;

export interface AdamConstants {
  beta1: number;
  beta2: number;
  /** Decoupled (AdamW) decay factor 1 − lr·wd, or null. */
  decayFactor: number | null;
  /** L2 decay added to the gradient (Adam), 0 for none. */
  l2: number;
  /** ε·√bc2 and lr·√bc2/bc1 of this parameter's step (see adam.ts). */
  epsilon: number;
  stepSize: number;
}

/** torch Adam/AdamW on one parameter, into `pOut`, `mOut`, `vOut`. */
export function adamLoop(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  pOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  c: AdamConstants,
): void {
  const b1 = f(c.beta1);
  const ob1 = f(1 - c.beta1);
  const b2 = f(c.beta2);
  const ob2 = f(1 - c.beta2);
  const decay = c.decayFactor === null ? null : f(c.decayFactor);
  const l2 = f(c.l2);
  const eps = f(c.epsilon);
  const stepSize = f(c.stepSize);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = decay !== null ? f(p[i] * decay) : p[i];
    const gi = decay === null && l2 !== 0 ? f(g[i] + f(p[i] * l2)) : g[i];
    const mi = f(f(m[i] * b1) + f(gi * ob1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * ob2));
    mOut[i] = mi;
    vOut[i] = vi;
    const denom = f(f(Math.sqrt(vi)) + eps);
    pOut[i] = f(pi - f(f(mi / denom) * stepSize));
  }
}
