// MaxPoolGrad for the wasm backend, replacing the stock one: tfjs-backend-wasm 4.22.0 starts its window maximum
// at 0, so in a window whose values are all negative the gradient goes to the window's first element instead of
// its maximum (measured: input [-3, -1, -2, -4] routes to index 0). Post-ReLU maps are unaffected, but tanh, ELU
// and GELU conv encoders trained with wrong gradients. This loop over the heap views follows the cpu backend:
// start at −∞, the first maximum wins, padding never does.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { maxPool2x2GradSimd } from './max-pool-2x2-grad';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy!;
  const input = args.inputs.input!;
  const attrs = args.attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const dx = backend.makeOutput(input.shape, 'float32');
  // Views are taken after makeOutput: an allocation may grow the heap and detach earlier views.
  const dxVals = backend.typedArrayFromHeap(dx);
  const xVals = backend.typedArrayFromHeap(input);
  const dyVals = backend.typedArrayFromHeap(dy);

  const { batchSize, inHeight, inWidth, outHeight, outWidth, inChannels: channels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const { top, left } = info.padInfo;
  if (
    effectiveFilterHeight === 2 &&
    effectiveFilterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0
  ) {
    // Rows and columns a floored odd size leaves out of every window get no gradient.
    if (inHeight !== 2 * outHeight || inWidth !== 2 * outWidth) dxVals.fill(0);
    const simd = channels % 4 === 0 ? maxPool2x2GradSimd(backend) : null;
    if (simd) {
      const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
      const [px, pdy, pdx] = [offset(input), offset(dy), offset(dx)];
      const rowBytes = 4 * inWidth * channels;
      for (let b = 0; b < batchSize; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const xRow = (b * inHeight + 2 * oh) * rowBytes;
          const dyRow = 4 * (b * outHeight + oh) * outWidth * channels;
          simd.row(px + xRow, pdy + dyRow, pdx + xRow, rowBytes, outWidth, 4 * channels);
        }
      }
    } else {
      maxPool2x2Grad(xVals, dyVals, dxVals, batchSize, inHeight, inWidth, outHeight, outWidth, channels);
    }
    return dx;
  }
  dxVals.fill(0);
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - top;
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let fh = 0; fh < effectiveFilterHeight; fh += dilationHeight) {
          const h = hStart + fh;
          if (h < 0 || h >= inHeight) continue;
          for (let fw = 0; fw < effectiveFilterWidth; fw += dilationWidth) {
            const w = wStart + fw;
            if (w < 0 || w >= inWidth) continue;
            const base = ((b * inHeight + h) * inWidth + w) * channels;
            for (let c = 0; c < channels; c++) {
              const v = xVals[base + c];
              if (v > best[c] || where[c] === -1) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) if (where[c] >= 0) dxVals[where[c]] += dyVals[dyBase + c];
      }
    }
  }
  return dx;
}

/**
 * The 2×2, stride-2 windows of the conv encoders' pools (pool.ts), which tile the map without overlap: each
 * input element is in at most one window, so its gradient is written once, with no index arrays. Same rule:
 * the first maximum in the window's order (0,0), (0,1), (1,0), (1,1) takes the gradient.
 */
function maxPool2x2Grad(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  dx: { [i: number]: number },
  batch: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  C: number,
): void {
  const row = inW * C;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const p0 = ((b * inH + 2 * oh) * inW + 2 * ow) * C;
        const p1 = p0 + C;
        const p2 = p0 + row;
        const p3 = p2 + C;
        const g0 = ((b * outH + oh) * outW + ow) * C;
        for (let c = 0; c < C; c++) {
          let m = x[p0 + c];
          let k = 0;
          const v1 = x[p1 + c];
          if (v1 > m) {
            m = v1;
            k = 1;
          }
          const v2 = x[p2 + c];
          if (v2 > m) {
            m = v2;
            k = 2;
          }
          if (x[p3 + c] > m) k = 3;
          const g = dy[g0 + c];
          dx[p0 + c] = k === 0 ? g : 0;
          dx[p1 + c] = k === 1 ? g : 0;
          dx[p2 + c] = k === 2 ? g : 0;
          dx[p3 + c] = k === 3 ? g : 0;
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as tf.KernelFunc,
};
