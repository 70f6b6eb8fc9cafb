// A float32 product on the wasm heap whose operands are windows of larger buffers: A and B with any row stride
// (A read as stored [M, K] or, transposed, [K, M]), so a convolution's im2col patches are read where they lie
// in the image, or from a compact buffer. It runs simd-gemm.ts's tiles (4 × 8 of C in registers while K is
// walked) on blocks of K × N, so the rows of B that one block walks stay in cache however large B is: the plain
// gemm walks all of B for every 4 rows of A and falls to half speed once B outgrows the cache.
//
// A block after the first adds to C what the previous ones left there, so every C element is still summed
// over k in order 0..K-1 in float32: results do not depend on the blocking nor on how callers split K.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPool } from './kernel-threads';
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
  // The two below run the products in turn, or spread over the kernel threads (kernel-threads.ts) when there are
  // some, such that each C element is still summed by one thread in the same order as on one: the same bits.
  /** Groups of `group` consecutive products; no group writes where another group reads or writes. */
  gemmGroups(ps: readonly GemmOperands[], group: number): void;
  /** Products that may add into the same C: every thread runs all of them on its own band of C's rows. */
  gemmRows(ps: readonly GemmOperands[]): void;
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

/** The calls of the K × N-blocked product: [0 for NN or 1 for TN, ten arguments] each. */
function blockCalls(p: GemmOperands): [number, number[]][] {
  const calls: [number, number[]][] = [];
  const kStep = p.transposeA ? p.lda : 4;
  for (let j0 = 0; j0 < p.n; j0 += N_BLOCK) {
    const nc = Math.min(N_BLOCK, p.n - j0);
    // K = 0 still runs once, so a product over nothing writes its zeros.
    for (let k0 = 0; k0 === 0 || k0 < p.k; k0 += K_BLOCK) {
      const kc = Math.min(K_BLOCK, p.k - k0);
      const accumulate = p.accumulate || k0 > 0 ? 1 : 0;
      const args = [
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
      ];
      calls.push([p.transposeA ? 1 : 0, args]);
    }
  }
  return calls;
}

/** Rows r0..r0+rows of the product's C (and the matching rows of op(A)). */
function rowsOf(p: GemmOperands, r0: number, rows: number): GemmOperands {
  const aRow = p.transposeA ? 4 : p.lda;
  return { ...p, a: p.a + r0 * aRow, c: p.c + r0 * p.ldc, m: rows };
}

/**
 * Products below this many multiply-adds stay on one thread: handing one over and waiting for it costs a few
 * microseconds, about what 2^16 multiply-adds take (measured in scripts/bench-threads.ts).
 */
export const PARALLEL_MIN_WORK = 1 << 16;

/** Each thread's share: whole groups of `group` consecutive products, in order (a group stays on one thread). */
function productShares(ps: readonly GemmOperands[], group: number, threads: number): GemmOperands[][] {
  const groups = Math.ceil(ps.length / group);
  return Array.from({ length: threads }, (_, t) =>
    ps.slice(group * Math.floor((t * groups) / threads), group * Math.floor(((t + 1) * groups) / threads)),
  );
}

/** Each thread's share: the same band of C's rows (in 4-row tiles) of every product, products in order. */
function rowShares(ps: readonly GemmOperands[], threads: number): GemmOperands[][] {
  const out: GemmOperands[][] = Array.from({ length: threads }, () => []);
  for (const p of ps) {
    const tiles = Math.ceil(p.m / 4);
    for (let t = 0, start = 0; t < threads; t++) {
      const end = Math.min(p.m, 4 * Math.round(((t + 1) * tiles) / threads));
      if (end > start) out[t]!.push(rowsOf(p, start, end - start));
      start = end;
    }
  }
  return out;
}

const work = (ps: readonly GemmOperands[]): number =>
  ps.reduce((sum, p) => sum + p.m * Math.max(p.k, 1) * p.n, 0);

function makeGemm(e: Exports, bytes: Uint8Array, backend: BackendWasm): StridedGemm {
  const local = [e.gemmNNStrided, e.gemmTNStrided];
  const runHere = (p: GemmOperands): void => {
    for (const [fn, args] of blockCalls(p)) (local[fn] as (...a: number[]) => void)(...args);
  };
  const spread = (ps: readonly GemmOperands[], split: (threads: number) => GemmOperands[][]): void => {
    const pool = kernelPool(backend);
    if (pool === null || work(ps) < PARALLEL_MIN_WORK) return ps.forEach(runHere);
    const ids = pool.load(bytes, e, ['gemmNNStrided', 'gemmTNStrided']);
    const calls = split(pool.threads).map((share) =>
      share.flatMap(blockCalls).map(([fn, args]) => ({ fn: ids[fn]!, args })),
    );
    pool.run(calls);
  };
  return {
    gemm: (p) => spread([p], (threads) => rowShares([p], threads)),
    gemmGroups: (ps, group) => spread(ps, (threads) => productShares(ps, Math.max(1, group), threads)),
    gemmRows: (ps) => spread(ps, (threads) => rowShares(ps, threads)),
  };
}

/** The product on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const stridedGemm = moduleOnHeap<Exports, StridedGemm>(FUNCTIONS, makeGemm);

/** Exposed for the test that checks the module assembles and validates. */
export function assembleStridedGemmModule(): Uint8Array {
  return assemble(FUNCTIONS());
}
