// Head Gradient Modification (docs/algorithm.md, HGM): a projector P (d×d, identity at start, shared by every modality)
// updated with the active modality's stop-gradient batch-mean feature r by one recursive-least-squares step
// and Frobenius-normalised; the head kernel's gradient then becomes P·G ("replace") or G + P·G ("add").
//
// P is a tensor on the active backend and never comes back to JS during training, so the step needs no
// read-back on any backend. Where the backend's memory is reachable (wasm, cpu: backend/host.ts) the update
// is float64 arithmetic over that memory (`TensorHost.projectorStep`: a wasm function on the wasm heap, the JS
// loop of backend/projector-step-loop.ts on cpu, the same bits); elsewhere (webgpu, libtensorflow) it is the
// same arithmetic as tensor ops in float32 (`updateProjectorOnDevice`). Measured per modality step (update +
// projection, batch 64), the JS loop against the tensor ops on wasm: d=128: 0.18 vs 0.53 ms, d=512: 1.5 vs
// 4.3 ms (C = 6), 2.7 vs 5.7 ms (C = 101); the wasm function is ≈ 3× faster than the JS loop
// (docs/performance.md, "HGM projector").

import * as tf from '@tensorflow/tfjs';
import { tensorHost, type TensorHost } from '../backend/host';
import { projectorStepLoop } from '../backend/projector-step-loop';

export type ProjectionMode = 'replace' | 'add';

/** α = 0.1^(1 + b/nb): 0.1 at an epoch's first batch, towards 0.01 at its last; b is 0-based. */
export function hgmAlpha(batch: number, batches: number): number {
  return Math.pow(0.1, 1 + batch / batches);
}

/**
 * One RLS step, then Frobenius normalisation: k = P r; P ← P − k kᵀ/(α + r·k); P ← P/‖P‖_F.
 * P is d×d row-major, r has d values; returns a new array (P is not modified). Accumulates in float64.
 */
export function updateProjector(P: Float32Array, r: Float32Array, alpha: number): Float32Array {
  const d = r.length;
  if (P.length !== d * d) {
    throw new Error(`HGM: projector has ${P.length} values, expected ${d}×${d} for a ${d}-d feature`);
  }
  const out = new Float32Array(d * d);
  checkNorm(projectorStepLoop(P, r, alpha, out));
  return out;
}

/**
 * The same step as tensor ops in float32, for backends whose memory JS cannot reach. It cannot check the
 * norm without a read-back: a zero or non-finite P shows when it is next read (`HgmProjector.read`).
 */
export function updateProjectorOnDevice(P: tf.Tensor2D, r: tf.Tensor1D, alpha: number): tf.Tensor2D {
  const d = r.shape[0];
  if (P.shape[0] !== d || P.shape[1] !== d) {
    throw new Error(`HGM: projector is [${P.shape}], expected ${d}×${d} for a ${d}-d feature`);
  }
  return tf.tidy(() => {
    const column = tf.reshape(r, [d, 1]);
    const k = tf.matMul(P, column);
    const denom = tf.add(tf.sum(tf.mul(column, k)), tf.scalar(alpha));
    const next = tf.sub(P, tf.matMul(tf.div(k, denom), k, false, true));
    return tf.div(next, tf.sqrt(tf.sum(tf.square(next))));
  });
}

/** The projector lost its norm: the features it was updated with were zero or not finite (a diverged run). */
export class HgmDivergedError extends Error {
  constructor(readonly sumSq: number) {
    super(`HGM: projector update gave a zero or non-finite matrix (‖P‖²_F = ${sumSq})`);
    this.name = 'HgmDivergedError';
  }
}

function checkNorm(sumSq: number): void {
  if (!(sumSq > 0) || !Number.isFinite(sumSq)) throw new HgmDivergedError(sumSq);
}

/**
 * Projects the head kernel's gradient, stored [d, C] as a TF.js Dense kernel (the transpose of torch's
 * weight): torch's G·Pᵀ becomes P·G here. The caller owns (and disposes) the returned tensor.
 */
export function projectKernelGrad(
  P: tf.Tensor2D,
  gradKernel: tf.Tensor2D,
  mode: ProjectionMode,
): tf.Tensor2D {
  const d = gradKernel.shape[0];
  if (P.shape[0] !== d || P.shape[1] !== d) {
    throw new Error(`HGM: projector is [${P.shape}], but the head kernel has ${d} input rows`);
  }
  return tf.tidy(() => {
    const projected = tf.matMul<tf.Tensor2D>(P, gradKernel);
    return mode === 'replace' ? projected : tf.add<tf.Tensor2D>(gradKernel, projected);
  });
}

export interface HgmProjectorState {
  dim: number;
  firstStepDone: boolean;
  /** d×d row-major. */
  matrix: number[];
}

export class HgmProjector {
  private P: tf.Tensor2D;
  /** False until the run's very first modality step, which neither updates P nor projects (docs/algorithm.md, HGM). */
  firstStepDone = false;

  constructor(
    readonly dim: number,
    matrix?: Float32Array,
  ) {
    if (!Number.isInteger(dim) || dim < 1)
      throw new Error(`HGM: feature dimension must be ≥ 1, found ${dim}`);
    this.P = tf.keep(
      matrix ? tf.tensor2d(matrix, [dim, dim], 'float32') : tf.eye(dim, dim, undefined, 'float32'),
    );
  }

  /** P on the backend (owned by the projector: valid until its next update or `dispose`). */
  get tensor(): tf.Tensor2D {
    return this.P;
  }

  /** P's values, read asynchronously; rejects a zero or non-finite P (only a device update can make one). */
  async read(): Promise<Float32Array> {
    const values = (await this.P.data()) as Float32Array;
    let sumSq = 0;
    for (let i = 0; i < values.length; i++) sumSq += values[i] * values[i];
    checkNorm(sumSq);
    return values;
  }

  async state(): Promise<HgmProjectorState> {
    return { dim: this.dim, firstStepDone: this.firstStepDone, matrix: Array.from(await this.read()) };
  }

  /**
   * One modality step: updates P with the batch mean of `features` [n, d] (α from `hgmAlpha`) and returns
   * the projected kernel gradient. On the run's first step it only records that the step happened and
   * returns `null`: use the gradient as it is. Never disposes `features` or `gradKernel`.
   */
  step(
    features: tf.Tensor2D,
    alpha: number,
    gradKernel: tf.Tensor2D,
    mode: ProjectionMode,
  ): tf.Tensor2D | null {
    this.checkDim(features.shape[1]);
    if (this.skipFirst()) return null;
    const host = tensorHost();
    const mean = tf.tidy(() => tf.mean(features, 0) as tf.Tensor1D);
    try {
      this.replace(
        host
          ? this.updatedOnHost(host, host.view(mean), alpha)
          : updateProjectorOnDevice(this.P, mean, alpha),
      );
    } finally {
      mean.dispose();
    }
    return projectKernelGrad(this.P, gradKernel, mode);
  }

  /**
   * The projector half of `step` for the fast path, which has the mean feature in JS already: updates P
   * and returns true, or on the run's first step only records it and returns false (the gradient is then
   * used as it is). The fast path projects with `tensor` on its own.
   */
  advanceOnHost(host: TensorHost, meanFeature: Float32Array, alpha: number): boolean {
    this.checkDim(meanFeature.length);
    if (this.skipFirst()) return false;
    this.replace(this.updatedOnHost(host, meanFeature, alpha));
    return true;
  }

  dispose(): void {
    this.P.dispose();
  }

  /** `where` names the checkpoint file in error messages. */
  static fromJSON(state: HgmProjectorState, where = 'HGM projector state'): HgmProjector {
    if (typeof state !== 'object' || state === null) throw new Error(`${where}: expected an object`);
    if (!Number.isInteger(state.dim) || state.dim < 1) {
      throw new Error(`${where}: /dim: expected a positive integer, found ${JSON.stringify(state.dim)}`);
    }
    if (typeof state.firstStepDone !== 'boolean') {
      throw new Error(`${where}: /firstStepDone: expected true or false`);
    }
    if (!Array.isArray(state.matrix) || state.matrix.length !== state.dim * state.dim) {
      throw new Error(
        `${where}: /matrix: expected ${state.dim * state.dim} numbers (${state.dim}×${state.dim})`,
      );
    }
    const bad = state.matrix.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${where}: /matrix/${bad}: expected a finite number`);
    const projector = new HgmProjector(state.dim, Float32Array.from(state.matrix));
    projector.firstStepDone = state.firstStepDone;
    return projector;
  }

  private checkDim(d: number): void {
    if (d !== this.dim) throw new Error(`HGM: mean feature has ${d} values, the projector is ${this.dim}-d`);
  }

  private skipFirst(): boolean {
    if (this.firstStepDone) return false;
    this.firstStepDone = true;
    return true;
  }

  /** The float64 update on the backend's memory (`TensorHost.projectorStep`). */
  private updatedOnHost(host: TensorHost, meanFeature: Float32Array, alpha: number): tf.Tensor2D {
    const { next, sumSq } = host.projectorStep(this.P, meanFeature, alpha);
    try {
      checkNorm(sumSq);
    } catch (error) {
      host.release(next);
      throw error;
    }
    return host.toTensor(next) as tf.Tensor2D;
  }

  private replace(next: tf.Tensor2D): void {
    this.P.dispose();
    this.P = tf.keep(next);
  }
}
