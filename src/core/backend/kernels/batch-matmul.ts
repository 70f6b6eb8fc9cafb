// A faster wasm BatchMatMul: the stock kernel uses XNNPACK only when neither operand is transposed and the batch
// is 1, and otherwise falls to a scalar loop (~1 vs ~16 GFLOP/s, PLATFORM.md). Every backprop matmul is
// transposed, so this wrapper transposes explicitly (a cheap copy) and folds a broadcast batch into the rows of
// `a`, then calls the stock kernel on the form XNNPACK takes. XNNPACK caches its packed operator per data id of
// `b` (not per shape), so `b` is only ever reshaped to its own [K, N].
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

    const temps: tf.TensorInfo[] = [];
    const aN = transposeA ? keep(temps, transposeInfo(backend, a, swapLastTwo(a.shape.length))) : a;
    const bN = transposeB ? keep(temps, transposeInfo(backend, b, swapLastTwo(b.shape.length))) : b;
    const rows = aN.shape[aN.shape.length - 2];
    const cols = bN.shape[bN.shape.length - 1];
    const inner = aN.shape[aN.shape.length - 1];
    const batchA = aN.shape.slice(0, -2);
    const batchB = bN.shape.slice(0, -2);
    const sizeA = tf.util.sizeFromShape(batchA);
    const sizeB = tf.util.sizeFromShape(batchB);
    const outBatch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
    const outShape = [...outBatch, rows, cols];

    let out: tf.TensorInfo;
    if (sizeB === 1 && sizeA > 1) {
      // [..., M, K] · [K, N]: one [ΣM, K] · [K, N] product.
      const a2 = keep(temps, reshapeInfo(backend, aN, [sizeA * rows, inner]));
      const b2 = keep(temps, reshapeInfo(backend, bN, [inner, cols]));
      out = callStock(backend, a2, b2);
    } else {
      out = callStock(backend, aN, bN);
    }
    release(backend, ...temps);
    return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
  };

  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

function keep(list: tf.TensorInfo[], info: tf.TensorInfo): tf.TensorInfo {
  list.push(info);
  return info;
}
