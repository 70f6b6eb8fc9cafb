// How many threads the project's kernels use, and the pool of workers that gives them (one per backend). One
// thread, or a heap that is not shared (the plain wasm builds), means no pool: every kernel runs on the caller.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendMemory, heapIsShared } from './heap-memory';
import { startKernelPool, type KernelPool } from './kernel-pool';

let wanted = 1;
const pools = new WeakMap<object, KernelPool | null>();
const started: KernelPool[] = [];

/** Threads for the kernels from now on (the caller included); pools of another size are stopped. */
export function setKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`kernel threads: expected a whole number ≥ 1, found ${threads}`);
  if (threads === wanted) return;
  wanted = threads;
  for (const pool of started.splice(0)) pool.close();
}

export function kernelThreads(): number {
  return wanted;
}

/** The pool of `backend`'s kernels, or null when they run on one thread. */
export function kernelPool(backend: BackendWasm): KernelPool | null {
  if (wanted < 2) return null;
  const key = backend as unknown as object;
  const known = pools.get(key);
  if (known !== undefined && (known === null || (known.threads === wanted && started.includes(known))))
    return known;
  const memory = backendMemory(backend);
  const pool = memory !== null && heapIsShared(backend) ? startKernelPool(memory, wanted) : null;
  if (pool) started.push(pool);
  pools.set(key, pool);
  return pool;
}
