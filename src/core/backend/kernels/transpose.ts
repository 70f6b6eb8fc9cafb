// A wasm Transpose that routes one bad case to a blocked JS loop: the stock kernel swaps the two axes of a
// matrix with a plain row-by-row loop whose writes stride by the row count, and when that count is a multiple
// of 256 every write lands in the same few cache sets; for other counts the stock loop is the faster one
// (docs/performance.md). Backprop transposes a [256, n] weight every step of a 256-wide MLP.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Tile edge of the blocked loop: 16×16 floats read and written stay within L1. */
const TILE = 16;

/** True when the stock kernel's write stride would alias in cache and the JS loop is faster. */
export function isAliasingTranspose(shape: readonly number[], perm: readonly number[]): boolean {
  const rank = shape.length;
  if (rank < 2 || rank > 3) return false;
  for (let i = 0; i < rank - 2; i++) if (perm[i] !== i) return false;
  if (perm[rank - 2] !== rank - 1 || perm[rank - 1] !== rank - 2) return false;
  return shape[rank - 2] % 256 === 0 && shape[rank - 1] > 1;
}

/** `dst[b][j][i] = src[b][i][j]` for `batches` matrices of `rows × cols`, in TILE × TILE blocks. */
export function transposeBlocked(
  src: Float32Array,
  dst: Float32Array,
  batches: number,
  rows: number,
  cols: number,
): void {
  const size = rows * cols;
  for (let b = 0; b < batches; b++) {
    const base = b * size;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        for (let j = j0; j < j1; j++) {
          const out = base + j * rows;
          for (let i = i0; i < i1; i++) dst[out + i] = src[base + i * cols + j];
        }
      }
    }
  }
}

export function makeTransposeConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs.x!;
    const perm = (args.attrs as { perm: number[] }).perm;
    if (x.dtype !== 'float32' || !isAliasingTranspose(x.shape, perm)) {
      return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as BackendWasm;
    const rank = x.shape.length;
    const rows = x.shape[rank - 2];
    const cols = x.shape[rank - 1];
    const outShape = perm.map((p) => x.shape[p]);
    const out = backend.makeOutput(outShape, 'float32');
    // Views are taken after makeOutput: an allocation may grow the heap and detach earlier views.
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    transposeBlocked(src, dst, rank === 3 ? x.shape[0] : 1, rows, cols);
    return out;
  };
  return { kernelName: tf.Transpose, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}
