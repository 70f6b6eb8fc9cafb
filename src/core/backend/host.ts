// Direct access to the active backend's buffers for the fast-path training steps (src/core/train/fast): matmuls
// call the registered BatchMatMul kernel on TensorInfos (no engine, no tape, no tidy), and the elementwise
// work runs on the backend's own memory: SIMD loops on the wasm heap (kernels/simd-loops.ts), JS loops
// (loops.ts) on the cpu backend's arrays and for what SIMD does not cover. Buffers made here are not known to
// the engine: every one must be released, or handed over with `toTensor`.
//
// Only the wasm and cpu backends expose their memory this way; elsewhere `tensorHost()` is null and the
// trainer keeps the autodiff path.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { hgmUpdateKernel } from './kernels/hgm-update';
import { simdLoops, type SimdLoops } from './kernels/simd-loops';
import { projectorStepLoop } from './projector-step-loop';
import { dropoutScale, dropoutThreshold, fillDropoutMask } from '../model/layers/dropout-stream';
import { biasReluMaskLoop, columnSumsLoop, reluMaskBackwardLoop, sgdLoop, type SgdConstants } from './loops';

export type Info = tf.TensorInfo;

export interface TensorHost {
  /** A new float32 buffer of undefined content. Allocating may move the wasm heap: take views afterwards. */
  output(shape: number[]): Info;
  /** A float32 buffer holding a copy of `values`. */
  upload(values: Float32Array, shape: number[]): Info;
  /** The buffer's values in place; valid until the next `output`, `upload` or `matMul`. */
  view(info: Info): Float32Array;
  /** C = op(A) · op(B) by the backend's registered BatchMatMul (rank 2). */
  matMul(a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info;
  /** a ← relu(a + b)·m, b one row's bias, m the scaled dropout mask of the whole buffer or null. */
  biasReluMask(a: Info, bias: Info, mask: Info | null): void;
  /** δ ← δ·m where h > 0, else 0 (the backward of `biasReluMask`, given its output h). */
  reluMaskBackward(delta: Info, h: Info, mask: Info | null): void;
  /** torch SGD with momentum on one parameter (loops.ts `sgdLoop`), into new buffers pOut, vOut. */
  sgdMomentum(p: Info, g: Info, v: Info, pOut: Info, vOut: Info, c: SgdConstants): void;
  /** A new buffer of `shape` holding seed's scaled dropout mask (model/layers/dropout.ts `dropoutMask`). */
  dropoutMask(shape: number[], rate: number, seed: number): Info;
  /** A new [n] buffer of the column sums of the [rows, n] buffer `x` (a bias gradient). */
  columnSums(x: Info): Info;
  /**
   * HGM's projector update (projector-step-loop.ts) of the d×d buffer `P` with r into a new buffer `next`;
   * `sumSq` is its squared norm before normalising, for the caller to check.
   */
  projectorStep(P: Info, r: Float32Array, alpha: number): { next: Info; sumSq: number };
  release(...infos: Info[]): void;
  /** Hands a buffer made here to the engine as a tensor the caller owns. */
  toTensor(info: Info): tf.Tensor;
}

/** The same buffer under another shape of the same size (what Reshape does, without a kernel call). */
export function reshaped(info: Info, shape: number[]): Info {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** The host of the active backend, or null when it keeps its memory out of reach (webgl, libtensorflow). */
export function tensorHost(): TensorHost | null {
  const backend = tf.backend();
  if (cached?.backend !== backend) {
    const name = tf.getBackend();
    const host =
      name === 'wasm'
        ? new WasmHost(backend as BackendWasm)
        : name === 'cpu'
          ? new CpuHost(backend as unknown as CpuBackend)
          : null;
    cached = { backend, host };
  }
  return cached.host;
}

let cached: { backend: tf.KernelBackend; host: TensorHost | null } | null = null;

abstract class HostBase {
  protected constructor(
    protected readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  matMul(a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info {
    // Looked up at every call: the wasm BatchMatMul is swapped at run time (backend/kernels/register.ts).
    const kernel = tf.getKernel(tf.BatchMatMul, this.backendName);
    if (!kernel) throw new Error(`The ${this.backendName} backend has no BatchMatMul kernel.`);
    const out = kernel.kernelFunc({
      inputs: { a, b },
      backend: this.backend,
      attrs: { transposeA, transposeB },
    });
    const info = Array.isArray(out) ? out[0] : out;
    // The kernels return rank-3 shapes for rank-2 inputs; the data is the same.
    const rows = a.shape[transposeA ? 1 : 0];
    const cols = b.shape[transposeB ? 0 : 1];
    return reshaped(info, [rows, cols]);
  }

  abstract view(info: Info): Float32Array;

  biasReluMask(a: Info, bias: Info, mask: Info | null): void {
    biasReluMaskLoop(this.view(a), this.view(bias), mask ? this.view(mask) : null, 0);
  }

  reluMaskBackward(delta: Info, h: Info, mask: Info | null): void {
    reluMaskBackwardLoop(this.view(delta), this.view(h), mask ? this.view(mask) : null, 0);
  }

  sgdMomentum(p: Info, g: Info, v: Info, pOut: Info, vOut: Info, c: SgdConstants): void {
    sgdLoop(this.view(p), this.view(g), this.view(v), this.view(pOut), this.view(vOut), c, 0);
  }

  columnSums(x: Info): Info {
    const out = this.output([x.shape[1]]);
    columnSumsLoop(this.view(x), this.view(out));
    return out;
  }

  dropoutMask(shape: number[], rate: number, seed: number): Info {
    const out = this.output(shape);
    fillDropoutMask(this.view(out), rate, seed, 0);
    return out;
  }

  projectorStep(P: Info, r: Float32Array, alpha: number): { next: Info; sumSq: number } {
    const next = this.output(P.shape);
    return { next, sumSq: projectorStepLoop(this.view(P), r, alpha, this.view(next)) };
  }

  abstract output(shape: number[]): Info;

  release(...infos: Info[]): void {
    for (const info of infos) this.backend.disposeData(info.dataId);
  }

  toTensor(info: Info): tf.Tensor {
    return tf.engine().makeTensorFromTensorInfo(info, this.backend);
  }
}

/** The wasm host runs the elementwise loops as SIMD on the heap (kernels/simd-loops.ts), the tails in JS. */
class WasmHost extends HostBase implements TensorHost {
  private readonly simd: SimdLoops | null;

  constructor(private readonly wasm: BackendWasm) {
    super(wasm, 'wasm');
    this.simd = simdLoops(wasm);
  }

  private offset(info: Info): number {
    return this.wasm.dataIdMap.get(info.dataId)!.memoryOffset;
  }

  override biasReluMask(a: Info, bias: Info, mask: Info | null): void {
    const row = bias.shape[0];
    if (!this.simd || row % 4 !== 0) return super.biasReluMask(a, bias, mask);
    const bytes = 4 * tf.util.sizeFromShape(a.shape);
    this.simd.biasReluMask(this.offset(a), this.offset(bias), mask ? this.offset(mask) : 0, bytes, 4 * row);
  }

  override reluMaskBackward(delta: Info, h: Info, mask: Info | null): void {
    if (!this.simd) return super.reluMaskBackward(delta, h, mask);
    const n = tf.util.sizeFromShape(delta.shape);
    const bulk = n - (n % 4);
    this.simd.reluMaskBackward(this.offset(delta), this.offset(h), mask ? this.offset(mask) : 0, 4 * bulk);
    if (bulk < n) {
      reluMaskBackwardLoop(this.view(delta), this.view(h), mask ? this.view(mask) : null, bulk);
    }
  }

  override columnSums(x: Info): Info {
    const n = x.shape[1];
    if (!this.simd || n % 4 !== 0) return super.columnSums(x);
    const out = this.output([n]);
    this.simd.columnSums(this.offset(x), this.offset(out), 4 * tf.util.sizeFromShape(x.shape), 4 * n);
    return out;
  }

  override sgdMomentum(p: Info, g: Info, v: Info, pOut: Info, vOut: Info, c: SgdConstants): void {
    if (!this.simd) return super.sgdMomentum(p, g, v, pOut, vOut, c);
    const n = tf.util.sizeFromShape(p.shape);
    const bulk = n - (n % 4);
    const [fp, fg, fv, fpo, fvo] = [p, g, v, pOut, vOut].map((x) => this.offset(x));
    this.simd.sgd(fp, fg, fv, fpo, fvo, 4 * bulk, c.lr, c.momentum, c.weightDecay, c.nesterov);
    if (bulk < n) {
      sgdLoop(this.view(p), this.view(g), this.view(v), this.view(pOut), this.view(vOut), c, bulk);
    }
  }

  override dropoutMask(shape: number[], rate: number, seed: number): Info {
    if (!this.simd) return super.dropoutMask(shape, rate, seed);
    const out = this.output(shape);
    const n = tf.util.sizeFromShape(shape);
    const bulk = n - (n % 4);
    this.simd.dropoutMask(this.offset(out), 4 * bulk, seed, dropoutThreshold(rate), dropoutScale(rate));
    if (bulk < n) fillDropoutMask(this.view(out), rate, seed, bulk);
    return out;
  }

  override projectorStep(P: Info, r: Float32Array, alpha: number): { next: Info; sumSq: number } {
    const kernel = hgmUpdateKernel(this.wasm);
    if (!kernel) return super.projectorStep(P, r, alpha);
    const d = r.length;
    const next = this.output(P.shape);
    const rOnHeap = this.upload(r, [d]);
    // d float64 values; the heap's allocations are 8-byte aligned, as f64 loads want
    const k = this.output([2 * d]);
    try {
      const [p, rv, kv, out] = [P, rOnHeap, k, next].map((x) => this.offset(x));
      return { next, sumSq: kernel.update(p, rv, kv, out, d, alpha) };
    } finally {
      this.release(rOnHeap, k);
    }
  }

  output(shape: number[]): Info {
    return this.wasm.makeOutput(shape, 'float32');
  }

  upload(values: Float32Array, shape: number[]): Info {
    const info = this.wasm.makeOutput(shape, 'float32');
    this.view(info).set(values);
    return info;
  }

  view(info: Info): Float32Array {
    return this.wasm.typedArrayFromHeap(info) as Float32Array;
  }
}

/** The part of tfjs-backend-cpu's MathBackendCPU used here (its package is not a direct dependency). */
interface CpuBackend extends tf.KernelBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): Info;
}

class CpuHost extends HostBase implements TensorHost {
  constructor(private readonly cpu: CpuBackend) {
    super(cpu, 'cpu');
  }

  output(shape: number[]): Info {
    return this.cpu.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape)));
  }

  upload(values: Float32Array, shape: number[]): Info {
    return this.cpu.makeTensorInfo(shape, 'float32', Float32Array.from(values));
  }

  view(info: Info): Float32Array {
    const values = this.cpu.data.get(info.dataId).values;
    if (!(values instanceof Float32Array)) {
      throw new Error(`fast path: a cpu buffer of dtype ${info.dtype} is not a Float32Array`);
    }
    return values;
  }
}
