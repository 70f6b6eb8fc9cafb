// Worker threads that run the project's wasm kernels on the backend's shared heap (the threaded build,
// backend/wasm-threaded.ts). A job gives every thread a list of calls (a function and ten i32 arguments); the
// caller runs the first list itself and returns once every worker has run its own. Jobs are handed over
// through a SharedArrayBuffer and Atomics, not messages: a training step makes hundreds of products of a
// fraction of a millisecond each, and a message round trip costs as much as one of them. Workers spin for a
// few tens of microseconds before they sleep, so the next product of a step finds them awake.
//
// Callers split work so that every output element is computed by one thread exactly as on one thread (a gemm
// by rows of C): results are the same bits whatever the thread count.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WasmMemory } from './heap-memory';

/** One call of a kernel function: its id from `load` and up to ten i32 arguments. */
export interface KernelCall {
  fn: number;
  args: readonly number[];
}

export interface KernelPool {
  /** Threads that run a job, the caller included. */
  readonly threads: number;
  /**
   * Ids of the named exports of a module, instantiated on the heap in every worker from `bytes` (`exports` is
   * the caller's own instance of the same bytes). Loading the same bytes again returns the same ids.
   */
  load(bytes: Uint8Array, exports: object, names: readonly string[]): number[];
  /** Runs `calls[t]` on thread t (0 = the caller) and returns when all are done. */
  run(calls: readonly (readonly KernelCall[])[]): void;
  /** Stops the workers (the pool is unusable afterwards). */
  close(): void;
}

const ARGS = 10;
const CALL_WORDS = 1 + ARGS;
/** Calls a worker's slot holds; a longer list is run in several jobs. */
const MAX_CALLS = 1024;
const SLOT_WORDS = 1 + MAX_CALLS * CALL_WORDS;
const HEADER_WORDS = 16;
const [GEN, DONE, KIND, FAILED, READY] = [0, 1, 2, 3, 4];
const [RUN, LOAD, EXIT] = [1, 2, 3];
/** Polls before a waiting thread sleeps (≈ 30–60 µs): longer than the gap between two products of a step. */
const SPINS = 20_000;

// The worker's whole program: plain JavaScript evaluated by Worker (no file to bundle or locate).
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { control, memory, port, index } = workerData;
const c = new Int32Array(control);
const fns = [];
const base = ${HEADER_WORDS} + index * ${SLOT_WORDS};
let gen = 0;
Atomics.add(c, ${READY}, 1);
Atomics.notify(c, ${READY});
for (;;) {
  for (let spins = 0; Atomics.load(c, ${GEN}) === gen; spins++) {
    if (spins > ${SPINS}) Atomics.wait(c, ${GEN}, gen);
  }
  gen = Atomics.load(c, ${GEN});
  const kind = c[${KIND}];
  if (kind === ${EXIT}) break;
  try {
    if (kind === ${LOAD}) {
      const { bytes, names } = receiveMessageOnPort(port).message;
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      for (const name of names) fns.push(instance.exports[name]);
    } else {
      const count = c[base];
      for (let i = 0, p = base + 1; i < count; i++, p += ${CALL_WORDS}) {
        fns[c[p]](c[p + 1], c[p + 2], c[p + 3], c[p + 4], c[p + 5], c[p + 6], c[p + 7], c[p + 8], c[p + 9], c[p + 10]);
      }
    }
  } catch (error) {
    Atomics.store(c, ${FAILED}, 1);
    port.postMessage(String((error && error.stack) || error));
  }
  Atomics.add(c, ${DONE}, 1);
  Atomics.notify(c, ${DONE});
}
`;

type KernelFunction = (...args: number[]) => void;

class WorkerPool implements KernelPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly local: KernelFunction[] = [];
  private readonly loaded = new Map<Uint8Array, number[]>();
  private closed = false;

  constructor(
    memory: WasmMemory,
    readonly threads: number,
  ) {
    const helpers = threads - 1;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (HEADER_WORDS + helpers * SLOT_WORDS)));
    for (let index = 0; index < helpers; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { control: this.control.buffer, memory, port: port2, index },
        transferList: [port2],
      });
      // A pool must never keep the trainer alive, nor stop it exiting.
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
    this.waitFor(READY, helpers);
  }

  load(bytes: Uint8Array, exports: object, names: readonly string[]): number[] {
    const known = this.loaded.get(bytes);
    if (known) return known;
    const ids = names.map((name) => {
      const fn = (exports as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`kernel pool: the module has no export "${name}"`);
      this.local.push(fn as KernelFunction);
      return this.local.length - 1;
    });
    for (const port of this.ports) port.postMessage({ bytes, names });
    this.job(LOAD);
    this.loaded.set(bytes, ids);
    return ids;
  }

  run(calls: readonly (readonly KernelCall[])[]): void {
    const longest = Math.max(0, ...calls.slice(1).map((list) => list.length));
    if (longest <= MAX_CALLS) return this.runOnce(calls);
    for (let start = 0; start < Math.max(longest, calls[0]?.length ?? 0); start += MAX_CALLS) {
      this.runOnce(calls.map((list) => list.slice(start, start + MAX_CALLS)));
    }
  }

  close(): void {
    if (this.closed) return;
    this.job(EXIT, false);
    this.closed = true;
    for (const worker of this.workers) void worker.terminate();
  }

  private runOnce(calls: readonly (readonly KernelCall[])[]): void {
    const c = this.control;
    for (let w = 0; w < this.workers.length; w++) {
      const list = calls[w + 1] ?? [];
      let p = HEADER_WORDS + w * SLOT_WORDS;
      c[p++] = list.length;
      for (const call of list) {
        c[p] = call.fn;
        for (let a = 0; a < ARGS; a++) c[p + 1 + a] = call.args[a] ?? 0;
        p += CALL_WORDS;
      }
    }
    this.job(RUN, true, calls[0] ?? []);
  }

  /** Publishes a job, runs the caller's share, waits for the workers (unless they are exiting). */
  private job(kind: number, wait = true, own: readonly KernelCall[] = []): void {
    if (this.closed) throw new Error('kernel pool: used after close');
    const c = this.control;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, KIND, kind);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    for (const call of own) this.local[call.fn]!(...call.args);
    if (!wait) return;
    this.waitFor(DONE, this.workers.length);
    if (Atomics.load(c, FAILED) !== 0) {
      Atomics.store(c, FAILED, 0);
      const reasons = this.ports.map((port) => receiveMessageOnPort(port)?.message).filter(Boolean);
      throw new Error(`a kernel worker thread failed: ${reasons.join('; ')}`);
    }
  }

  private waitFor(slot: number, count: number): void {
    const c = this.control;
    for (let spins = 0; ; spins++) {
      const seen = Atomics.load(c, slot);
      if (seen >= count) return;
      if (spins > SPINS) Atomics.wait(c, slot, seen);
    }
  }
}

/** A pool of `threads` (caller included) on `memory`, which must be shared. */
export function startKernelPool(memory: WasmMemory, threads: number): KernelPool {
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('kernel pool: the heap is not shared');
  if (!Number.isInteger(threads) || threads < 2) throw new Error(`kernel pool: ${threads} threads`);
  return new WorkerPool(memory, threads);
}
