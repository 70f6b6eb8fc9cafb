// NHWC convolutions as products of gemm-strided.ts, shared by the Conv2D, Conv2DBackpropFilter and
// Conv2DBackpropInput kernels. With x already padded, the im2col matrix has a row per output position
// r = (n, oh, ow) and a column per filter tap p = (kh, kw, ci):
//   patches[r, p] = x[n, oh·sh + kh, ow·sw + kw, ci]
// For one (n, oh, kh), the taps (kw, ci) of consecutive ow are fw·Cin consecutive floats sw·Cin apart, so that
// window of the matrix is read in place, with no im2col copy: the forward pass is y = patches·W (W viewed
// [P, Cout]) and the filter gradient dW = patchesᵀ·dy. (A compact per-image copy of the patches was slower
// even for a single input channel, where a window is only 3 floats wide.)
//
// Every output element is one ordered float32 sum: y over p = 0..P-1, dW over r in (n, oh, ow) order. So a
// result depends only on the inputs.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stridedGemm, type GemmOperands, type StridedGemm } from './gemm-strided';
import { runWasmKernel } from './wasm-calls';
import { heapOffset } from './wasm-assembler';

/** A convolution of an input that is already padded: 'valid' over `in*`, dilation 1. */
export interface ConvGemmShape {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  fh: number;
  fw: number;
  outC: number;
  outH: number;
  outW: number;
  sh: number;
  sw: number;
}

let enabled = true;

/** Switches the convolution kernels between the gemm and their XNNPACK / stock paths (the benchmark times both). */
export function setConvGemm(on: boolean): void {
  enabled = on;
}

/** The gemm the convolution kernels use on `backend`, or null: switched off, or no wasm SIMD there. */
export function convGemm(backend: BackendWasm): StridedGemm | null {
  return enabled ? stridedGemm(backend) : null;
}

const offsetOf = heapOffset;

/** The spatial padding of the convolution `info` describes, only as far as its taps reach. */
export interface ConvPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The convolution `info` describes, as a 'valid' one over its padded input, and that padding. */
export function paddedConv(info: tf.backend_util.Conv2DInfo): { shape: ConvGemmShape; pads: ConvPadding } {
  const { top, left } = info.padInfo;
  const reachH = info.filterHeight - 1 + (info.outHeight - 1) * info.strideHeight + 1;
  const reachW = info.filterWidth - 1 + (info.outWidth - 1) * info.strideWidth + 1;
  const pads = {
    top,
    bottom: Math.max(0, reachH - info.inHeight - top),
    left,
    right: Math.max(0, reachW - info.inWidth - left),
  };
  const shape: ConvGemmShape = {
    batch: info.batchSize,
    inH: info.inHeight + pads.top + pads.bottom,
    inW: info.inWidth + pads.left + pads.right,
    inC: info.inChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    outC: info.outChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
  };
  return { shape, pads };
}

/**
 * `x` padded for the convolution `info` describes and the shape of the convolution over it; `padded` is a new
 * tensor for the caller to release when it is not `x`.
 */
export function padForConv(
  backend: BackendWasm,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): { padded: tf.TensorInfo; shape: ConvGemmShape } {
  const { shape, pads } = paddedConv(info);
  return { padded: padSpatial(backend, x, pads.top, pads.bottom, pads.left, pads.right), shape };
}

/** NHWC `x` with zeros around its spatial axes; `x` itself when every pad is 0. */
export function padSpatial(
  backend: BackendWasm,
  x: tf.TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.TensorInfo {
  if (top + bottom + left + right === 0) return x;
  const paddings = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  return runWasmKernel(tf.PadV2, backend, { x }, { paddings, constantValue: 0 });
}

/** Whether the kernels here take `info`: NHWC, dilation 1, a non-empty output. */
export function convGemmApplies(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.dataFormat === 'channelsLast' &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.inChannels > 0
  );
}

/** Float index in x of the window of taps (kh, ·, ·) for output row (n, oh), its first position ow = 0. */
function windowStart(s: ConvGemmShape, n: number, oh: number, kh: number): number {
  return (n * s.inH + oh * s.sh + kh) * s.inW * s.inC;
}

/**
 * y [batch, outH, outW, Cout] = conv(xp, filter [fh, fw, Cin, Cout]) over the padded input xp: per (n, oh, kh),
 * the window's outW rows times the filter's rows kh, added to what the earlier kh left.
 */
export function convForwardByGemm(
  gemm: StridedGemm,
  backend: BackendWasm,
  xp: tf.TensorInfo,
  filter: tf.TensorInfo,
  s: ConvGemmShape,
): tf.TensorInfo {
  const y = backend.makeOutput([s.batch, s.outH, s.outW, s.outC], 'float32');
  const taps = s.fw * s.inC;
  const ldc = 4 * s.outC;
  const imageOut = 4 * s.outH * s.outW * s.outC;
  const [px, pw, py] = [offsetOf(backend, xp), offsetOf(backend, filter), offsetOf(backend, y)];
  const products: GemmOperands[] = [];
  for (let n = 0; n < s.batch; n++) {
    for (let oh = 0; oh < s.outH; oh++) {
      for (let kh = 0; kh < s.fh; kh++) {
        products.push({
          a: px + 4 * windowStart(s, n, oh, kh),
          lda: 4 * s.sw * s.inC,
          transposeA: false,
          b: pw + 4 * kh * taps * s.outC,
          ldb: ldc,
          c: py + n * imageOut + oh * s.outW * ldc,
          ldc,
          m: s.outW,
          k: taps,
          n: s.outC,
          accumulate: kh > 0,
        });
      }
    }
  }
  // An image's products write only its own rows of y.
  gemm.gemmGroups(products, s.outH * s.fh);
  return y;
}

/**
 * dW [fh, fw, Cin, Cout] = patches(xp)ᵀ·dy for the padded input xp and dy [batch, outH, outW, Cout]: per
 * (n, oh, kh), the window's transpose times dy's row oh, added to the filter rows kh.
 */
export function convFilterGradByGemm(
  gemm: StridedGemm,
  backend: BackendWasm,
  xp: tf.TensorInfo,
  dy: tf.TensorInfo,
  s: ConvGemmShape,
): tf.TensorInfo {
  const dw = backend.makeOutput([s.fh, s.fw, s.inC, s.outC], 'float32');
  const taps = s.fw * s.inC;
  const ldb = 4 * s.outC;
  const imageDy = 4 * s.outH * s.outW * s.outC;
  const [px, pdy, pdw] = [offsetOf(backend, xp), offsetOf(backend, dy), offsetOf(backend, dw)];
  const products: GemmOperands[] = [];
  for (let n = 0; n < s.batch; n++) {
    for (let oh = 0; oh < s.outH; oh++) {
      for (let kh = 0; kh < s.fh; kh++) {
        products.push({
          a: px + 4 * windowStart(s, n, oh, kh),
          lda: 4 * s.sw * s.inC,
          transposeA: true,
          b: pdy + n * imageDy + oh * s.outW * ldb,
          ldb,
          c: pdw + 4 * kh * taps * s.outC,
          ldc: ldb,
          m: taps,
          k: s.outW,
          n: s.outC,
          accumulate: n > 0 || oh > 0,
        });
      }
    }
  }
  // Every product adds into dW: threads take bands of its rows.
  gemm.gemmRows(products);
  return dw;
}

/**
 * The input gradient over the padded input, [batch, inH, inW, Cin], for dy [batch, outH, outW, Cout] and the
 * filter with its channel axes swapped, [fh, fw, Cout, Cin]: every output position's dy row times the tap's
 * filter slice is added where that tap read, dxp[n, oh·sh + kh, ow·sw + kw, ·] += dy[n, oh, ow, ·]·W[kh, kw]ᵀ,
 * one product per (n, oh, kh, kw) whose C rows are the tap's input pixels, sw·Cin apart. Any stride; no zero
 * taps are multiplied. Each element's sum runs over (n, oh, kh, kw) and then the output channels, in order.
 */
export function convInputGradByGemm(
  gemm: StridedGemm,
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filterSwapped: tf.TensorInfo,
  s: ConvGemmShape,
): tf.TensorInfo {
  const dxp = backend.makeOutput([s.batch, s.inH, s.inW, s.inC], 'float32');
  (backend.typedArrayFromHeap(dxp) as Float32Array).fill(0);
  const [pdy, pw, pdx] = [offsetOf(backend, dy), offsetOf(backend, filterSwapped), offsetOf(backend, dxp)];
  const dyRow = 4 * s.outW * s.outC;
  const products: GemmOperands[] = [];
  for (let n = 0; n < s.batch; n++) {
    for (let oh = 0; oh < s.outH; oh++) {
      for (let kh = 0; kh < s.fh; kh++) {
        const row = pdx + 4 * windowStart(s, n, oh, kh);
        for (let kw = 0; kw < s.fw; kw++) {
          products.push({
            a: pdy + (n * s.outH + oh) * dyRow,
            lda: 4 * s.outC,
            transposeA: false,
            b: pw + 4 * (kh * s.fw + kw) * s.outC * s.inC,
            ldb: 4 * s.inC,
            c: row + 4 * kw * s.inC,
            ldc: 4 * s.sw * s.inC,
            m: s.outW,
            k: s.outC,
            n: s.inC,
            accumulate: true,
          });
        }
      }
    }
  }
  // An image's products write only its own dx; within it, taps overlap.
  gemm.gemmGroups(products, s.outH * s.fh * s.fw);
  return dxp;
}
