// How many threads the project's kernels use, and the pools of workers that give them (per backend and thread
// count, kept once started: switching back and forth, as the benchmark does, starts nothing). One thread, or a
// heap that is not shared (the plain wasm builds), means no pool: every kernel runs on the caller.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendMemory, heapIsShared } from './wasm-assembler';
import { startKernelPool, type KernelPool } from './kernel-pool';

let wanted = 1;
const pools = new WeakMap<object, Map<number, KernelPool | null>>();

/** Threads for the kernels from now on (the caller included). */
export function setKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`kernel threads: expected a whole number ≥ 1, found ${threads}`);
  }
  wanted = threads;
}

/** The pool of `backend`'s kernels, or null when they run on one thread. */
export function kernelPool(backend: BackendWasm): KernelPool | null {
  if (wanted < 2) return null;
  const key = backend as unknown as object;
  let byCount = pools.get(key);
  if (!byCount) pools.set(key, (byCount = new Map()));
  let pool = byCount.get(wanted);
  if (pool === undefined) {
    const memory = backendMemory(backend);
    pool = memory !== null && heapIsShared(backend) ? startKernelPool(memory, wanted) : null;
    byCount.set(wanted, pool);
  }
  return pool;
}
