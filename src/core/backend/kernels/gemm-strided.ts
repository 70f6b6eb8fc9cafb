// A float32 product on the wasm heap whose operands are windows of larger buffers: A and B with any row stride
// (A read as stored [M, K] or, transposed, [K, M]), so a convolution's im2col patches are read where they lie
// in the image, or from a compact buffer. It runs simd-gemm.ts's tiles (4 × 8 of C in registers while K is
// walked) on blocks of K × N, so the rows of B that one block walks stay in cache however large B is: the plain
// gemm walks all of B for every 4 rows of A and falls to half speed once B outgrows the cache.
//
// A block after the first adds to C what the previous ones left there, so every C element is still summed
// over k in order 0..K-1 in float32: results do not depend on the blocking nor on how callers split K.
import { assemble, moduleOnHeap, type WasmFunction } from './wasm-assembler';
import { stridedGemmFn } from './simd-gemm';
import { simdVariant } from './simd-variant';

/** C (+)= op(A)·B on heap byte offsets; strides are bytes between consecutive stored rows. */
export interface GemmOperands {
  /** A element (i, k) at a + i·lda + 4k, or with transposeA (A stored [K, M]) at a + 4i + k·lda. */
  a: number;
  lda: number;
  transposeA: boolean;
  /** B element (k, j) at b + k·ldb + 4j. */
  b: number;
  ldb: number;
  /** C element (i, j) at c + i·ldc + 4j. */
  c: number;
  ldc: number;
  m: number;
  k: number;
  n: number;
  /** Add to C (continuing each element's sum over k) instead of overwriting it. */
  accumulate: boolean;
}

export interface StridedGemm {
  gemm(p: GemmOperands): void;
}

/**
 * K × N block: 256 rows of 128 columns of B is 128 KB, which stays in a 512 KB L2 beside A's panel and C's rows.
 * Exported for the test that checks blocked and unblocked sums agree bit for bit.
 */
export const K_BLOCK = 256;
export const N_BLOCK = 128;

type StridedCall = (
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
  lda: number,
  ldb: number,
  ldc: number,
  accumulate: number,
) => void;

interface Exports {
  gemmNNStrided: StridedCall;
  gemmTNStrided: StridedCall;
}

const FUNCTIONS = (): WasmFunction[] => {
  const variant = simdVariant().name;
  return [stridedGemmFn(false, variant), stridedGemmFn(true, variant)];
};

function blocked(e: Exports, p: GemmOperands): void {
  const call = p.transposeA ? e.gemmTNStrided : e.gemmNNStrided;
  const kStep = p.transposeA ? p.lda : 4;
  for (let j0 = 0; j0 < p.n; j0 += N_BLOCK) {
    const nc = Math.min(N_BLOCK, p.n - j0);
    // K = 0 still runs once, so a product over nothing writes its zeros.
    for (let k0 = 0; k0 === 0 || k0 < p.k; k0 += K_BLOCK) {
      const kc = Math.min(K_BLOCK, p.k - k0);
      const accumulate = p.accumulate || k0 > 0 ? 1 : 0;
      call(
        p.a + k0 * kStep,
        p.b + k0 * p.ldb + 4 * j0,
        p.c + 4 * j0,
        p.m,
        kc,
        nc,
        p.lda,
        p.ldb,
        p.ldc,
        accumulate,
      );
    }
  }
}

/** The product on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const stridedGemm = moduleOnHeap<Exports, StridedGemm>(FUNCTIONS, (e) => ({
  gemm: (p) => blocked(e, p),
}));

/** Exposed for the test that checks the module assembles and validates. */
export function assembleStridedGemmModule(): Uint8Array {
  return assemble(FUNCTIONS());
}
