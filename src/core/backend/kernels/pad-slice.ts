// PadV2 (constant padding) and Slice for the wasm backend's 4-byte dtypes as copies of whole runs: the
// trailing axes a box spans completely are merged with the first partial one, so an NHWC spatial pad or its
// gradient's slice moves W·C floats per copy, not C. The stock Slice copies the innermost axis only (32
// floats at a time, each through a new subarray, for the conv2d encoder's [64, 18, 18, 32] pad gradient:
// 3.4 ms a call) and the stock PadV2 walks elements (figures: docs/performance.md). Other dtypes, and boxes
// whose runs would be shorter than MIN_RUN, keep the stock kernels.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Below this many elements per run the per-run overhead outweighs the stock kernels' loops. */
const MIN_RUN = 8;

/** A box of `size` at `srcAt` in an array of `srcShape`, copied to `dstAt` in one of `dstShape`. */
export interface BoxCopy {
  srcShape: readonly number[];
  srcAt: readonly number[];
  dstShape: readonly number[];
  dstAt: readonly number[];
  size: readonly number[];
}

/** The axis the runs start at and the run length: the trailing axes the box spans in both arrays merge. */
export function runsOf(box: BoxCopy): { axis: number; run: number } {
  let axis = box.size.length - 1;
  let run = box.size[axis] ?? 1;
  while (axis > 0 && box.size[axis] === box.srcShape[axis] && box.size[axis] === box.dstShape[axis]) {
    axis--;
    run *= box.size[axis];
  }
  return { axis, run };
}

const strides = (shape: readonly number[]) => {
  const out = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) out[k] = out[k + 1] * shape[k + 1];
  return out;
};

/** Copies the box within one array `heap` (the wasm heap as 4-byte elements), src and dst at element bases. */
export function copyBox(heap: Float32Array | Int32Array, src: number, dst: number, box: BoxCopy): void {
  const rank = box.size.length;
  if (rank === 0) {
    heap[dst] = heap[src];
    return;
  }
  if (box.size.some((d) => d === 0)) return;
  const { axis, run } = runsOf(box);
  const [ss, ds] = [strides(box.srcShape), strides(box.dstShape)];
  let s = src;
  let d = dst;
  for (let k = 0; k < rank; k++) {
    s += box.srcAt[k] * ss[k];
    d += box.dstAt[k] * ds[k];
  }
  // An odometer over the axes before `axis`.
  const index = new Array<number>(axis).fill(0);
  for (;;) {
    heap.copyWithin(d, s, s + run);
    let k = axis - 1;
    while (k >= 0 && ++index[k] === box.size[k]) {
      index[k] = 0;
      s -= (box.size[k] - 1) * ss[k];
      d -= (box.size[k] - 1) * ds[k];
      k--;
    }
    if (k < 0) return;
    s += ss[k];
    d += ds[k];
  }
}

/** The heap as elements of `info`'s 4-byte dtype and the element index `info` starts at, or null. */
function onHeap(
  backend: BackendWasm,
  info: tf.TensorInfo,
): { heap: Float32Array | Int32Array; at: number } | null {
  if (info.dtype !== 'float32' && info.dtype !== 'int32') return null;
  const view = backend.typedArrayFromHeap(info) as Float32Array | Int32Array;
  const heap = info.dtype === 'float32' ? new Float32Array(view.buffer) : new Int32Array(view.buffer);
  return { heap, at: view.byteOffset / 4 };
}

export function makePadV2Config(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x!;
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    const outShape = x.shape.map((d, k) => paddings[k][0] + d + paddings[k][1]);
    const box = {
      srcShape: x.shape,
      srcAt: x.shape.map(() => 0),
      dstShape: outShape,
      dstAt: paddings.map((p) => p[0]),
      size: x.shape,
    };
    const fast = (x.dtype === 'float32' || x.dtype === 'int32') && tf.util.sizeFromShape(x.shape) > 0;
    if (!fast || runsOf(box).run < MIN_RUN) return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const out = backend.makeOutput(outShape, x.dtype);
    // Views after makeOutput: an allocation may grow the heap and detach earlier ones.
    const [src, dst] = [onHeap(backend, x)!, onHeap(backend, out)!];
    dst.heap.fill(constantValue, dst.at, dst.at + tf.util.sizeFromShape(outShape));
    copyBox(dst.heap, src.at, dst.at, box);
    return out;
  };
  return { kernelName: tf.PadV2, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

export function makeSliceConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x!;
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [at, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const box = { srcShape: x.shape, srcAt: at, dstShape: extent, dstAt: extent.map(() => 0), size: extent };
    const fast = x.dtype === 'float32' || x.dtype === 'int32';
    if (!fast || x.shape.length === 0 || runsOf(box).run < MIN_RUN) {
      return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    }
    const out = backend.makeOutput(extent, x.dtype);
    const [src, dst] = [onHeap(backend, x)!, onHeap(backend, out)!];
    copyBox(dst.heap, src.at, dst.at, box);
    return out;
  };
  return { kernelName: tf.Slice, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}
