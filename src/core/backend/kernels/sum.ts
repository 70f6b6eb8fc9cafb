// Sum and Mean for the wasm backend over a contiguous set of axes of a float32 tensor, as SIMD loops on the heap
// (simd-reduce.ts). The stock kernels transpose the reduced axes to the end first, a strided copy that cost
// more than the sum itself for the bias gradients of a transformer (sums over the leading axes), and sum the
// innermost axes in a scalar loop (figures: docs/performance.md). Every other case (other dtypes, axes that
// are not contiguous, empty tensors, no reduced axis) goes to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdReduce } from './simd-reduce';
import { heapOffset } from './wasm-assembler';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The input seen as [blocks, rows, cols], summed over its rows, and the kernel's output shape. */
export interface ReductionPlan {
  blocks: number;
  rows: number;
  cols: number;
  outShape: number[];
}

/** The plan for reducing `axis` of `shape`, or null where the reduced axes are not one contiguous run. */
export function planReduction(
  shape: readonly number[],
  axis: number | number[],
  keepDims: boolean,
): ReductionPlan | null {
  if (shape.length === 0) return null;
  const axes = [...new Set(tf.util.parseAxisParam(axis, [...shape]))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 !== axes.length) return null;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
  const outShape = keepDims
    ? shape.map((d, i) => (i >= first && i <= last ? 1 : d))
    : shape.filter((_, i) => i < first || i > last);
  return {
    blocks: size(0, first),
    rows: size(first, last + 1),
    cols: size(last + 1, shape.length),
    outShape,
  };
}

const offsetOf = heapOffset;

/** The sum (or mean) of `x` by the SIMD loops, or null where the stock kernel must take it. */
function reduceOnHeap(
  backend: BackendWasm,
  x: tf.TensorInfo,
  attrs: tf.NamedAttrMap,
  mean: boolean,
): tf.TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const plan = planReduction(x.shape, axis, keepDims);
  if (!plan || plan.blocks * plan.rows * plan.cols === 0) return null;
  // The divisor goes to the loop as a float32, exact up to 2²⁴.
  if (mean && plan.rows > 1 << 24) return null;
  const loops = simdReduce(backend);
  if (!loops) return null;
  const { blocks, rows, cols, outShape } = plan;
  const out = backend.makeOutput(outShape, 'float32');
  // Offsets, not views, across makeOutput: an allocation may grow the heap and detach earlier views.
  const [px, pOut] = [offsetOf(backend, x), offsetOf(backend, out)];
  if (cols === 1) loops.rowSums(px, pOut, blocks, 4 * rows);
  else loops.columnSums(px, pOut, blocks, rows, 4 * cols);
  if (mean) loops.divide(pOut, 4 * blocks * cols, rows);
  return out;
}

function makeReduceConfig(stock: tf.KernelConfig, mean: boolean): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const out = reduceOnHeap(args.backend as BackendWasm, args.inputs.x!, args.attrs ?? {}, mean);
    return out ?? stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

export const makeSumConfig = (stock: tf.KernelConfig): tf.KernelConfig => makeReduceConfig(stock, false);
export const makeMeanConfig = (stock: tf.KernelConfig): tf.KernelConfig => makeReduceConfig(stock, true);
