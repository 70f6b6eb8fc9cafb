// Conv2DBackpropFilter for the wasm backend, which lacks it (so conv weights could not train). The filter
// gradient is itself a convolution:
//   dW[kh, kw, ci, co] = Σ_{n, oh, ow} xpad[n, oh·sh + kh·dh, ow·sw + kw·dw, ci] · dy[n, oh, ow, co]
// i.e. a Conv2D of x viewed as [Cin, H, W, N] (channels become the batch, the batch becomes channels) with dy
// viewed as a filter [outH, outW, N, Cout], stride = forward dilation, dilation = forward stride, padded like
// the forward pass.
//
// First choice (NHWC, dilation 1, wasm SIMD): dW = patches(x)ᵀ·dy by the strided SIMD gemm, reading the
// im2col patches in place (conv-gemm.ts). Otherwise XNNPACK runs the convolution above; its result is sliced
// to the filter size and transposed back. XNNPACK does that convolution as a product whose packed operand is
// the whole of dy, re-packed at every call: on the conv2d encoder's layers it took 2× and 13× the gemm's time
// (docs/performance.md, convolutions).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convFilterGradByGemm, convGemm, convGemmApplies, padForConv } from './conv-gemm';
import { conv2dPaddedInfo, release, sliceInfo, transposeInfo } from './wasm-calls';

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported.');
  const filterShape = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const gemm = convGemm(backend);
  if (gemm && x.dtype === 'float32' && dy.dtype === 'float32' && convGemmApplies(info)) {
    const { padded, shape } = padForConv(backend, x, info);
    const dw = convFilterGradByGemm(gemm, backend, padded, dy, shape);
    if (padded !== x) release(backend, padded);
    return dw;
  }
  const [inH, inW] = [x.shape[1], x.shape[2]];
  const { top, left } = info.padInfo;
  // Pad the far side just enough for every filter tap; extra rows of x are cut by the final slice instead.
  const reachH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const reachW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  const bottom = Math.max(0, reachH - inH - top);
  const right = Math.max(0, reachW - inW - left);

  const xT = transposeInfo(backend, x, [3, 1, 2, 0]);
  const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]);
  // The filter gradient is a conv of x with dy, strides and dilations trading places.
  const conv = conv2dPaddedInfo(
    backend,
    xT,
    dyT,
    [info.dilationHeight, info.dilationWidth],
    [info.strideHeight, info.strideWidth],
    [top, bottom, left, right],
  );
  release(backend, xT, dyT);
  const [cin, convH, convW, cout] = conv.shape;
  let cropped = conv;
  if (convH !== info.filterHeight || convW !== info.filterWidth) {
    cropped = sliceInfo(backend, conv, [0, 0, 0, 0], [cin, info.filterHeight, info.filterWidth, cout]);
    release(backend, conv);
  }
  const out = transposeInfo(backend, cropped, [1, 2, 0, 3]);
  release(backend, cropped);
  return out;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
