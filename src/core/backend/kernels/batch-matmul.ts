// A faster wasm BatchMatMul. First choice: the SIMD products of simd-gemm.ts, straight on the heap (no packing,
// no transposed copy of A; a transposed B is turned once with 4 × 4 register blocks), faster than XNNPACK on
// training's small products (figures: docs/performance.md). Where the engine or the backend cannot run
// that module, the XNNPACK wrapper below. The stock kernel uses XNNPACK only when neither operand is transposed and the batch
// is 1, and otherwise falls to a much slower scalar loop (docs/architecture.md). Every backprop matmul is
// transposed, so this wrapper transposes explicitly (a cheap copy) and folds a broadcast batch into the rows of
// `a`, then calls the stock kernel on the form XNNPACK takes. XNNPACK caches its packed operator per data id of
// `b` (not per shape), so `b` is only ever reshaped to its own [K, N].
//
// In training `b` is new at every call (updated weights, fresh activations), so every call also packs `b`, and
// packing an element costs more than transposing one: for [64,256]·[256,128] the packing takes as long as the
// multiply (docs/performance.md). A plain product can also be computed as (Bᵀ·Aᵀ)ᵀ, which packs Aᵀ
// instead; `orientation` picks whichever of the two moves fewer weighted elements. It wins for the backprop
// dy·Wᵀ (W is transposed anyway, dy is small) and for a wide first layer.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdGemm, type SimdGemm } from './simd-gemm';
import { stridedGemm, type GemmOperands } from './gemm-strided';
import { kernelPool } from './kernel-threads';
import { transposeBlocked } from './transpose';
import { release, reshapeInfo, swapLastTwo, transposeInfo } from './wasm-calls';
import { heapOffset } from './wasm-assembler';

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
    const gemm = simdGemm(backend);
    if (gemm) {
      const out = gemmBatchMatMul(gemm, backend, a, b, transposeA, transposeB);
      if (out) return out;
    }

    const { rows, inner, cols, sizeA, sizeB, outBatch } = productShape(a, b, transposeA, transposeB);
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

/** The sizes of op(A)·op(B): [rows, inner]·[inner, cols] per matrix, and the batch axes of each side. */
function productShape(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean) {
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  return {
    rows: a.shape[transposeA ? rankA - 1 : rankA - 2],
    inner: a.shape[transposeA ? rankA - 2 : rankA - 1],
    cols: b.shape[transposeB ? rankB - 2 : rankB - 1],
    batchA,
    batchB,
    sizeA: tf.util.sizeFromShape(batchA),
    sizeB: tf.util.sizeFromShape(batchB),
    outBatch: tf.backend_util.assertAndGetBroadcastShape(batchA, batchB),
  };
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

/**
 * The gemm walks all of B for every 4 rows of A, so B must stay in cache: up to 1 MB of B it ran at 48-56
 * GFLOP/s against XNNPACK's 34-38 (fresh B), at 4 MB at 20 against 31-37 (measured on [M,K]·[K,N] from
 * 64×512×512 to 1024³, 2-core EPYC). Larger B goes to XNNPACK, which packs it into cache-sized blocks.
 */
const GEMM_MAX_B_ELEMENTS = 1 << 18;

const offsetOf = heapOffset;

/**
 * The product by the SIMD gemm, one call per batch matrix; null for a batch broadcast other than "same batch
 * shape" or "one side has a single matrix" (the caller then takes the XNNPACK path).
 */
function gemmBatchMatMul(
  gemm: SimdGemm,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo | null {
  const { rows, inner, cols, batchA, batchB, sizeA, sizeB, outBatch } = productShape(
    a,
    b,
    transposeA,
    transposeB,
  );
  const batches = tf.util.sizeFromShape(outBatch);
  if (inner * cols > GEMM_MAX_B_ELEMENTS) return null;
  if (!(sizeA === sizeB || sizeA === 1 || sizeB === 1)) return null;
  if (sizeA === sizeB && sizeA > 1 && !tf.util.arraysEqual(batchA, batchB)) return null;

  const out = backend.makeOutput([...outBatch, rows, cols], 'float32');
  // The stored B as [K, N]: a transposed B is turned first (offsets, not views: allocating may move the heap).
  let bN: tf.TensorInfo = b;
  if (transposeB) {
    bN = backend.makeOutput([sizeB, inner, cols], 'float32');
    if (inner % 4 === 0 && cols % 4 === 0) {
      for (let t = 0; t < sizeB; t++) {
        const bytes = 4 * t * inner * cols;
        gemm.transpose4(offsetOf(backend, b) + bytes, offsetOf(backend, bN) + bytes, cols, inner);
      }
    } else {
      const src = backend.typedArrayFromHeap(b) as Float32Array;
      transposeBlocked(src, backend.typedArrayFromHeap(bN) as Float32Array, sizeB, cols, inner);
    }
  }
  const [pa, pb, pc] = [offsetOf(backend, a), offsetOf(backend, bN), offsetOf(backend, out)];
  const [strideA, strideB, strideC] = [4 * rows * inner, 4 * inner * cols, 4 * rows * cols];
  const threaded = kernelPool(backend) !== null ? stridedGemm(backend) : null;
  if (threaded) {
    // The same products as below, spread over the kernel threads (gemm-strided.ts: same bits).
    const product = (a: number, b: number, c: number, m: number, tA: boolean): GemmOperands => ({
      a,
      lda: 4 * (tA ? m : inner),
      transposeA: tA,
      b,
      ldb: 4 * cols,
      c,
      ldc: 4 * cols,
      m,
      k: inner,
      n: cols,
      accumulate: false,
    });
    if (sizeB === 1 && !transposeA) threaded.gemm(product(pa, pb, pc, batches * rows, false));
    else {
      const at = (t: number) =>
        product(
          pa + (sizeA === 1 ? 0 : t) * strideA,
          pb + (sizeB === 1 ? 0 : t) * strideB,
          pc + t * strideC,
          rows,
          transposeA,
        );
      if (batches === 1) threaded.gemm(at(0));
      else
        threaded.gemmGroups(
          Array.from({ length: batches }, (_, t) => at(t)),
          1,
        );
    }
  } else if (sizeB === 1 && !transposeA) {
    // [..., M, K] · [K, N]: all of A's matrices are rows of one product.
    gemm.gemm(pa, pb, pc, batches * rows, inner, cols, false);
  } else {
    for (let t = 0; t < batches; t++) {
      const ta = sizeA === 1 ? 0 : t;
      const tb = sizeB === 1 ? 0 : t;
      gemm.gemm(pa + ta * strideA, pb + tb * strideB, pc + t * strideC, rows, inner, cols, transposeA);
    }
  }
  if (bN !== b) backend.disposeData(bN.dataId);
  return out;
}
