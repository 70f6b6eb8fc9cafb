// A faster wasm BatchMatMul: the stock kernel uses XNNPACK only when neither operand is transposed and the batch
// is 1, and otherwise falls to a scalar loop (~1 vs ~16 GFLOP/s, PLATFORM.md). Every backprop matmul is
// transposed, so this wrapper transposes explicitly (a cheap copy) and folds a broadcast batch into the rows of
// `a`, then calls the stock kernel on the form XNNPACK takes. XNNPACK caches its packed operator per data id of
// `b` (not per shape), so `b` is only ever reshaped to its own [K, N].
//
// In training `b` is new at every call (updated weights, fresh activations), so every call also packs `b`, and
// packing costs ~2.8 ns per element against ~1 ns to transpose one (measured, wasm SIMD): for [64,256]·[256,128]
// the packing takes as long as the multiply. A plain product can also be computed as (Bᵀ·Aᵀ)ᵀ, which packs Aᵀ
// instead; `orientation` picks whichever of the two moves fewer weighted elements. It wins for the backprop
// dy·Wᵀ (W is transposed anyway, dy is small) and for a wide first layer.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, reshapeInfo, swapLastTwo, transposeInfo } from './wasm-calls';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

export function makeFastBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const callStock = (backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo => {
    const out = stock.kernelFunc({
      inputs: { a, b },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    return Array.isArray(out) ? out[0] : out;
  };

  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => {
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a!;
    const b = args.inputs.b!;
    const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32')
      return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);

    const rankA = a.shape.length;
    const rankB = b.shape.length;
    const rows = a.shape[transposeA ? rankA - 1 : rankA - 2];
    const inner = a.shape[transposeA ? rankA - 2 : rankA - 1];
    const cols = b.shape[transposeB ? rankB - 2 : rankB - 1];
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const sizeA = tf.util.sizeFromShape(batchA);
    const sizeB = tf.util.sizeFromShape(batchB);
    const outBatch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
    const outShape = [...outBatch, rows, cols];

    const temps: tf.TensorInfo[] = [];
    const swap = (x: tf.TensorInfo) => keep(temps, transposeInfo(backend, x, swapLastTwo(x.shape.length)));
    let out: tf.TensorInfo;
    if (sizeA === 1 && sizeB === 1 && orientation(rows, inner, cols, transposeA, transposeB) === 'swapped') {
      // Cᵀ = Bᵀ·Aᵀ: an operand that arrives transposed is already in the form needed here.
      const outT = keep(temps, callStock(backend, transposeB ? b : swap(b), transposeA ? a : swap(a)));
      out = transposeInfo(backend, outT, swapLastTwo(outT.shape.length));
    } else {
      const aN = transposeA ? swap(a) : a;
      const bN = transposeB ? swap(b) : b;
      if (sizeB === 1 && sizeA > 1) {
        // [..., M, K] · [K, N]: one [ΣM, K] · [K, N] product.
        const a2 = keep(temps, reshapeInfo(backend, aN, [sizeA * rows, inner]));
        const b2 = keep(temps, reshapeInfo(backend, bN, [inner, cols]));
        out = callStock(backend, a2, b2);
      } else {
        out = callStock(backend, aN, bN);
      }
    }
    release(backend, ...temps);
    return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
  };

  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

/** Packing one element of `b` against transposing one (measured on wasm SIMD, see the header). */
const PACK_COST = 2.8;
const TRANSPOSE_COST = 1;

/** Which of A·B and (Bᵀ·Aᵀ)ᵀ costs less to prepare for XNNPACK, for C [M, N] = A [M, K] · B [K, N]. */
export function orientation(
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): 'direct' | 'swapped' {
  const direct = PACK_COST * k * n + TRANSPOSE_COST * ((transposeA ? m * k : 0) + (transposeB ? k * n : 0));
  const swapped =
    PACK_COST * k * m + TRANSPOSE_COST * ((transposeA ? 0 : m * k) + (transposeB ? 0 : k * n) + m * n);
  return swapped < direct ? 'swapped' : 'direct';
}

function keep(list: tf.TensorInfo[], info: tf.TensorInfo): tf.TensorInfo {
  list.push(info);
  return info;
}
