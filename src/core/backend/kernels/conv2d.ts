// A faster wasm Conv2D: NHWC, dilation 1, as im2col products of the strided SIMD gemm (conv-gemm.ts), which
// reads the patches in place and needs no packed copy of the filter; XNNPACK, which the stock kernel calls,
// packs the filter at every call since training updates it at every step. Dilations, NCHW, and engines without
// wasm SIMD go to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convForwardByGemm, convGemm, convGemmApplies, padForConv } from './conv-gemm';
import { release } from './wasm-calls';

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export function makeConv2DConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const x = args.inputs.x!;
    const filter = args.inputs.filter!;
    const attrs = args.attrs as unknown as Conv2DAttrs;
    const fallback = () => stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const gemm = convGemm(backend);
    if (!gemm || attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32')
      return fallback();
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (!convGemmApplies(info)) return fallback();
    const { padded, shape } = padForConv(backend, x, info);
    const y = convForwardByGemm(gemm, backend, padded, filter, shape);
    if (padded !== x) release(backend, padded);
    return y;
  };
  return { kernelName: tf.Conv2D, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}
