// A faster wasm Conv2DBackpropInput for stride 1 (every conv of the conv1d/conv2d encoders and most of ResNet's):
// the stock kernel is a scalar loop (docs/architecture.md, the compute platform). At stride 1 the input gradient is a 'valid' convolution of dy,
// padded by (filter − 1 − forward pad) on each side, with the filter flipped in space and its channel axes
// swapped. The strided SIMD gemm runs that convolution (conv-gemm.ts), or XNNPACK where the engine lacks wasm
// SIMD. Strides > 1, dilations and NCHW go to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convForwardByGemm, convGemm, padSpatial } from './conv-gemm';
import { conv2dPaddedInfo, release, runWasmKernel, transposeInfo } from './wasm-calls';

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
    const gemm = convGemm(backend);
    if (!gemm || dy.dtype !== 'float32' || filter.dtype !== 'float32' || info.batchSize === 0) {
      const dx = conv2dPaddedInfo(backend, dy, swapped, 1, 1, [top, bottom, left, right]);
      release(backend, swapped);
      return dx;
    }
    const padded = padSpatial(backend, dy, top, bottom, left, right);
    const dx = convForwardByGemm(gemm, backend, padded, swapped, {
      batch: info.batchSize,
      inH: outHeight + top + bottom,
      inW: outWidth + left + right,
      inC: info.outChannels,
      fh,
      fw,
      outC: info.inChannels,
      outH: inHeight,
      outW: inWidth,
      sh: 1,
      sw: 1,
    });
    if (padded !== dy) release(backend, padded);
    release(backend, swapped);
    return dx;
  };
  return { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}
