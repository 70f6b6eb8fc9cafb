// A float32 product on the wasm heap whose operands are windows of larger buffers: A and B with any row stride
// (A read as stored [M, K] or, transposed, [K, M]), so a convolution's im2col patches are read where they lie
// in the image, or from a compact buffer. It runs simd-gemm.ts's tiles (4 × 8 of C in registers while K is
// walked) on blocks of K × N, so the rows of B that one block walks stay in cache however large B is: the plain
// gemm walks all of B for every 4 rows of A and falls to half speed once B outgrows the cache.
//
// A block after the first adds to C what the previous ones left there, so every C element is still summed
// over k in order 0..K-1 in float32: results do not depend on the blocking nor on how callers split K.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelCall } from './kernel-pool';
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

type Args10 = [number, number, number, number, number, number, number, number, number, number];
/** Receives each call of a blocked product: 0 for NN or 1 for TN, then the strided function's ten arguments. */
type BlockSink = (fn: number, ...args: Args10) => void;

/** The calls of the K × N-blocked product, in order, handed to `sink`. */
function forEachBlock(p: GemmOperands, sink: BlockSink): void {
  const fn = p.transposeA ? 1 : 0;
  const kStep = p.transposeA ? p.lda : 4;
  for (let j0 = 0; j0 < p.n; j0 += N_BLOCK) {
    const nc = Math.min(N_BLOCK, p.n - j0);
    // K = 0 still runs once, so a product over nothing writes its zeros.
    for (let k0 = 0; k0 === 0 || k0 < p.k; k0 += K_BLOCK) {
      const kc = Math.min(K_BLOCK, p.k - k0);
      const accumulate = p.accumulate || k0 > 0 ? 1 : 0;
      sink(
        fn,
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

/** Rows r0..r0+rows of the product's C (and the matching rows of op(A)). */
function rowsOf(p: GemmOperands, r0: number, rows: number): GemmOperands {
  const aRow = p.transposeA ? 4 : p.lda;
  return { ...p, a: p.a + r0 * aRow, c: p.c + r0 * p.ldc, m: rows };
}

/** Columns j0..j0+cols of the product's C (and of B). */
function columnsOf(p: GemmOperands, j0: number, cols: number): GemmOperands {
  return { ...p, b: p.b + 4 * j0, c: p.c + 4 * j0, n: cols };
}

/**
 * Products below this many multiply-adds stay on one thread. Handing a product over costs microseconds, but
 * the second thread's share of a small product also costs cache traffic, and a thread that is not running
 * when a product starts leaves the caller to do it alone: measured per product (scripts/bench-threads.ts),
 * 2^20-multiply-add products ran slower on 2 threads than on one, 2^23 and more faster.
 */
export const PARALLEL_MIN_WORK = 1 << 22;
let parallelMinWork = PARALLEL_MIN_WORK;

/** Sets the size from which products are spread (the tests spread small odd shapes; default restored by null). */
export function setParallelMinWork(work: number | null): void {
  parallelMinWork = work ?? PARALLEL_MIN_WORK;
}

/** Tasks of whole groups of `group` consecutive products, in order (a group stays in one task). */
function productTasks(ps: readonly GemmOperands[], group: number, tasks: number): GemmOperands[][] {
  const groups = Math.ceil(ps.length / group);
  const count = Math.min(tasks, groups);
  return Array.from({ length: count }, (_, t) =>
    ps.slice(group * Math.floor((t * groups) / count), group * Math.floor(((t + 1) * groups) / count)),
  );
}

/** Bands [start, end) of `size` in whole units of `unit`, as many as `tasks` allows. */
function bands(size: number, unit: number, tasks: number): [number, number][] {
  const units = Math.ceil(size / unit);
  const count = Math.max(1, Math.min(tasks, units));
  return Array.from({ length: count }, (_, t): [number, number] => [
    unit * Math.round((t * units) / count),
    Math.min(size, unit * Math.round(((t + 1) * units) / count)),
  ]);
}

/**
 * Tasks that each run every product, in order, on one band of C. Bands of columns (8 at a time, the tile's
 * width) when C is wide enough: each task reads its share of B and all of A, the smaller operand in
 * training's products (a batch of activations against a layer's weights). Else bands of rows, where every
 * task reads all of B.
 */
function bandTasks(ps: readonly GemmOperands[], tasks: number): GemmOperands[][] {
  const n = Math.min(...ps.map((p) => p.n));
  const m = Math.max(...ps.map((p) => p.m));
  if (n >= 16 && n >= m / 4) {
    return bands(n, 8, tasks).map(([j0, j1]) => ps.map((p) => columnsOf(p, j0, (j1 === n ? p.n : j1) - j0)));
  }
  return bands(m, 4, tasks).map(([r0, r1]) =>
    ps.filter((p) => p.m > r0).map((p) => rowsOf(p, r0, Math.min(r1, p.m) - r0)),
  );
}

const work = (ps: readonly GemmOperands[]): number =>
  ps.reduce((sum, p) => sum + p.m * Math.max(p.k, 1) * p.n, 0);

function makeGemm(e: Exports, module: object, backend: BackendWasm): StridedGemm {
  const local = [e.gemmNNStrided, e.gemmTNStrided];
  // Named parameters, not a rest array: on one thread this runs for every block of every product.
  const here: BlockSink = (fn, a, b, c, m, k, n, lda, ldb, ldc, accumulate) =>
    local[fn]!(a, b, c, m, k, n, lda, ldb, ldc, accumulate);
  const runHere = (p: GemmOperands): void => forEachBlock(p, here);
  const spread = (ps: readonly GemmOperands[], split: (threads: number) => GemmOperands[][]): void => {
    const pool = kernelPool(backend);
    if (pool === null || work(ps) < parallelMinWork) return ps.forEach(runHere);
    const ids = pool.load(module, e, ['gemmNNStrided', 'gemmTNStrided']);
    const tasks = split(pool.threads).map((task) => {
      const calls: KernelCall[] = [];
      for (const p of task) forEachBlock(p, (fn, ...args) => calls.push({ fn: ids[fn]!, args }));
      return calls;
    });
    pool.run(tasks);
  };
  return {
    gemm: (p) => spread([p], (threads) => bandTasks([p], threads)),
    // Independent groups: a few per thread, so that one thread starting late leaves less undone.
    gemmGroups: (ps, group) => spread(ps, (threads) => productTasks(ps, Math.max(1, group), 4 * threads)),
    gemmRows: (ps) => spread(ps, (threads) => bandTasks(ps, threads)),
  };
}

/** The product on `backend`'s memory, or null where the engine lacks wasm SIMD or the backend its memory. */
export const stridedGemm = moduleOnHeap<Exports, StridedGemm>(FUNCTIONS, makeGemm);

/** Exposed for the test that checks the module assembles and validates. */
export function assembleStridedGemmModule(): Uint8Array {
  return assemble(FUNCTIONS());
}
