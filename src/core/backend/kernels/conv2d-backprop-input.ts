// A faster wasm Conv2DBackpropInput: the stock kernel is a scalar loop (docs/architecture.md, the compute
// platform). First choice (NHWC, wasm SIMD, any stride): every output position's dy row times each tap's filter
// slice, added where that tap read, by the strided SIMD gemm (conv-gemm.ts): no zero is multiplied, where the
// convolution below multiplies the padding's (a fifth of its work on a 16 × 16 map with a 3 × 3 filter).
// Without wasm SIMD, at stride 1: the input gradient is a 'valid' convolution of dy, padded by
// (filter − 1 − forward pad) on each side, with the filter flipped in space and its channel axes swapped, which
// XNNPACK runs. The rest (NCHW; strides > 1 without SIMD) goes to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGemm, convGemmApplies, convInputGradByGemm, paddedConv } from './conv-gemm';
import type { StridedGemm } from './gemm-strided';
import { conv2dPaddedInfo, release, runWasmKernel, sliceInfo, transposeInfo } from './wasm-calls';

interface BackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export function makeConv2DBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const dy = args.inputs.dy!;
    const filter = args.inputs.filter!;
    const attrs = args.attrs as unknown as BackpropInputAttrs;
    const fallback = () => stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    if (attrs.dataFormat === 'NCHW') return fallback();
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const gemm = convGemm(backend);
    if (gemm && dy.dtype === 'float32' && filter.dtype === 'float32' && convGemmApplies(info)) {
      return byScatter(gemm, backend, dy, filter, info);
    }
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return fallback();
    const { filterHeight: fh, filterWidth: fw, inHeight, inWidth, outHeight, outWidth } = info;
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    const bottom = inHeight - outHeight - top + fh - 1;
    const right = inWidth - outWidth - left + fw - 1;
    // A forward pad wider than the filter would need a negative pad here.
    if (Math.min(top, left, bottom, right) < 0) return fallback();

    const flipped = runWasmKernel(tf.Reverse, backend, { x: filter }, { dims: [0, 1] });
    const swapped = transposeInfo(backend, flipped, [0, 1, 3, 2]);
    release(backend, flipped);
    const dx = conv2dPaddedInfo(backend, dy, swapped, 1, 1, [top, bottom, left, right]);
    release(backend, swapped);
    return dx;
  };
  return { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

/** dx by adding every tap's product where it read (conv-gemm.ts), then cutting the padding off. */
function byScatter(
  gemm: StridedGemm,
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const swapped = transposeInfo(backend, filter, [0, 1, 3, 2]);
  const { shape, pads } = paddedConv(info);
  const dxp = convInputGradByGemm(gemm, backend, dy, swapped, shape);
  release(backend, swapped);
  if (shape.inH === info.inHeight && shape.inW === info.inWidth) return dxp;
  const dx = sliceInfo(
    backend,
    dxp,
    [0, pads.top, pads.left, 0],
    [info.batchSize, info.inHeight, info.inWidth, info.inChannels],
  );
  release(backend, dxp);
  return dx;
}
