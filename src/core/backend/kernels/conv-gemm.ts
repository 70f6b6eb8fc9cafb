// NHWC convolutions as products of gemm-strided.ts, shared by the Conv2D, Conv2DBackpropFilter and
// Conv2DBackpropInput kernels. With x already padded, the im2col matrix has a row per output position
// r = (n, oh, ow) and a column per filter tap p = (kh, kw, ci):
//   patches[r, p] = x[n, oh·sh + kh, ow·sw + kw, ci]
// For one (n, oh, kh), the taps (kw, ci) of consecutive ow are fw·Cin consecutive floats sw·Cin apart, so that
// window of the matrix is read in place: the forward pass is y = patches·W (W viewed [P, Cout]) and the filter
// gradient dW = patchesᵀ·dy. Where fw·Cin is too short for the tiles to pay off (a first layer's single
// channel), each image's patches are copied into a compact [outH·outW, P] buffer instead.
//
// Either way every output element is one ordered float32 sum: y over p = 0..P-1, dW over r in (n, oh, ow)
// order. So both layouts give the same bits, and a result depends only on the inputs.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stridedGemm, type StridedGemm } from './gemm-strided';
import { release, runWasmKernel } from './wasm-calls';

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

/**
 * Shortest run of consecutive taps (fw·Cin floats) read in place; shorter ones are copied to a compact buffer.
 * Measured on the conv2d encoder's shapes: in place wins from fw·Cin = 96; at fw·Cin = 3 the compact buffer is
 * several times faster.
 */
export const IN_PLACE_MIN_TAPS = 16;

let enabled = true;

/** Switches the convolution kernels between the gemm and their XNNPACK / stock paths (the benchmark times both). */
export function setConvGemm(on: boolean): void {
  enabled = on;
}

/** The gemm the convolution kernels use on `backend`, or null: switched off, or no wasm SIMD there. */
export function convGemm(backend: BackendWasm): StridedGemm | null {
  return enabled ? stridedGemm(backend) : null;
}

/** Where the patches are read: in the image, or from a compact copy per image; by default by IN_PLACE_MIN_TAPS. */
export type PatchLayout = 'in-place' | 'compact';

const layoutFor = (s: ConvGemmShape, layout?: PatchLayout): PatchLayout =>
  layout ?? (s.fw * s.inC >= IN_PLACE_MIN_TAPS ? 'in-place' : 'compact');

const offsetOf = (backend: BackendWasm, info: tf.TensorInfo): number =>
  backend.dataIdMap.get(info.dataId)!.memoryOffset;

/**
 * `x` padded for the convolution `info` describes (only as far as its taps reach) and the shape of the
 * convolution over it; `padded` is a new tensor for the caller to release when it is not `x`.
 */
export function padForConv(
  backend: BackendWasm,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): { padded: tf.TensorInfo; shape: ConvGemmShape } {
  const [batch, inH, inW, inC] = x.shape;
  const { top, left } = info.padInfo;
  const reachH = info.filterHeight - 1 + (info.outHeight - 1) * info.strideHeight + 1;
  const reachW = info.filterWidth - 1 + (info.outWidth - 1) * info.strideWidth + 1;
  const bottom = Math.max(0, reachH - inH - top);
  const right = Math.max(0, reachW - inW - left);
  const padded = padSpatial(backend, x, top, bottom, left, right);
  const shape: ConvGemmShape = {
    batch,
    inH: inH + top + bottom,
    inW: inW + left + right,
    inC,
    fh: info.filterHeight,
    fw: info.filterWidth,
    outC: info.outChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
  };
  return { padded, shape };
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

/** Image n's patches into dst as [outH·outW, P] (P = fh·fw·Cin), in (kh, kw, ci) order. */
function im2colImage(x: Float32Array, dst: Float32Array, s: ConvGemmShape, n: number): void {
  const taps = s.fw * s.inC;
  const step = s.sw * s.inC;
  let d = 0;
  for (let oh = 0; oh < s.outH; oh++) {
    for (let ow = 0; ow < s.outW; ow++) {
      for (let kh = 0; kh < s.fh; kh++) {
        const from = windowStart(s, n, oh, kh) + ow * step;
        for (let t = 0; t < taps; t++) dst[d++] = x[from + t];
      }
    }
  }
}

/** A buffer for one image's compact patches, handed to `use`; released after. */
function withPatchBuffer(
  backend: BackendWasm,
  s: ConvGemmShape,
  use: (scratch: tf.TensorInfo) => void,
): void {
  const scratch = backend.makeOutput([s.outH * s.outW, s.fh * s.fw * s.inC], 'float32');
  try {
    use(scratch);
  } finally {
    release(backend, scratch);
  }
}

/** y [batch, outH, outW, Cout] = conv(xp, filter [fh, fw, Cin, Cout]) over the padded input xp. */
export function convForwardByGemm(
  gemm: StridedGemm,
  backend: BackendWasm,
  xp: tf.TensorInfo,
  filter: tf.TensorInfo,
  s: ConvGemmShape,
  layout?: PatchLayout,
): tf.TensorInfo {
  const y = backend.makeOutput([s.batch, s.outH, s.outW, s.outC], 'float32');
  const taps = s.fw * s.inC;
  const ldc = 4 * s.outC;
  const imageOut = 4 * s.outH * s.outW * s.outC;
  if (layoutFor(s, layout) === 'in-place') {
    const [px, pw, py] = [offsetOf(backend, xp), offsetOf(backend, filter), offsetOf(backend, y)];
    for (let n = 0; n < s.batch; n++) {
      for (let oh = 0; oh < s.outH; oh++) {
        for (let kh = 0; kh < s.fh; kh++) {
          gemm.gemm({
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
    return y;
  }
  withPatchBuffer(backend, s, (scratch) => {
    const x = backend.typedArrayFromHeap(xp) as Float32Array;
    const patches = backend.typedArrayFromHeap(scratch) as Float32Array;
    const [pp, pw, py] = [offsetOf(backend, scratch), offsetOf(backend, filter), offsetOf(backend, y)];
    const p = s.fh * taps;
    for (let n = 0; n < s.batch; n++) {
      im2colImage(x, patches, s, n);
      gemm.gemm({
        a: pp,
        lda: 4 * p,
        transposeA: false,
        b: pw,
        ldb: ldc,
        c: py + n * imageOut,
        ldc,
        m: s.outH * s.outW,
        k: p,
        n: s.outC,
        accumulate: false,
      });
    }
  });
  return y;
}

/** dW [fh, fw, Cin, Cout] = patches(xp)ᵀ·dy for the padded input xp and dy [batch, outH, outW, Cout]. */
export function convFilterGradByGemm(
  gemm: StridedGemm,
  backend: BackendWasm,
  xp: tf.TensorInfo,
  dy: tf.TensorInfo,
  s: ConvGemmShape,
  layout?: PatchLayout,
): tf.TensorInfo {
  const dw = backend.makeOutput([s.fh, s.fw, s.inC, s.outC], 'float32');
  const taps = s.fw * s.inC;
  const ldb = 4 * s.outC;
  const imageDy = 4 * s.outH * s.outW * s.outC;
  if (layoutFor(s, layout) === 'in-place') {
    const [px, pdy, pdw] = [offsetOf(backend, xp), offsetOf(backend, dy), offsetOf(backend, dw)];
    for (let n = 0; n < s.batch; n++) {
      for (let oh = 0; oh < s.outH; oh++) {
        for (let kh = 0; kh < s.fh; kh++) {
          gemm.gemm({
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
    return dw;
  }
  withPatchBuffer(backend, s, (scratch) => {
    const x = backend.typedArrayFromHeap(xp) as Float32Array;
    const patches = backend.typedArrayFromHeap(scratch) as Float32Array;
    const [pp, pdy, pdw] = [offsetOf(backend, scratch), offsetOf(backend, dy), offsetOf(backend, dw)];
    const p = s.fh * taps;
    for (let n = 0; n < s.batch; n++) {
      im2colImage(x, patches, s, n);
      gemm.gemm({
        a: pp,
        lda: 4 * p,
        transposeA: true,
        b: pdy + n * imageDy,
        ldb,
        c: pdw,
        ldc: ldb,
        m: p,
        k: s.outH * s.outW,
        n: s.outC,
        accumulate: n > 0,
      });
    }
  });
  return dw;
}
