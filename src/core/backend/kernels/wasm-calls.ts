// Helpers for kernels written on top of other wasm kernels: they call the registered kernel functions directly
// on TensorInfos (no engine, no tape), so intermediates must be released with `release`.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;

export function runWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`The wasm backend has no '${kernelName}' kernel.`);
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(out) ? out[0] : out;
}

/** An NHWC Conv2D with explicit spatial padding (top, bottom, left, right), which the stock kernel accepts. */
export function conv2dPaddedInfo(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  strides: number | [number, number],
  dilations: number | [number, number],
  [top, bottom, left, right]: [number, number, number, number],
): TensorInfo {
  const pad = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  return runWasmKernel(tf.Conv2D, backend, { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC' });
}

export function transposeInfo(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(tf.Transpose, backend, { x }, { perm });
}

export function sliceInfo(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return runWasmKernel(tf.Slice, backend, { x }, { begin, size });
}

export function reshapeInfo(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel(tf.Reshape, backend, { x }, { shape });
}

/** Drops this kernel's reference to an intermediate (aliases such as reshape results hold their own). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** `perm` swapping the last two axes of a rank-`rank` tensor. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}
