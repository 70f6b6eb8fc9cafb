// Worker threads that run the project's wasm kernels on the backend's shared heap (the threaded build,
// backend/wasm-threaded.ts). A job is a list of tasks, each a list of calls (a function and ten i32
// arguments); the caller and the workers claim tasks one at a time until none is left, and the caller returns
// once every claimed task is done. Jobs are handed over through a SharedArrayBuffer and Atomics, not messages:
// a training step makes hundreds of products of a fraction of a millisecond each, and a message round trip
// costs as much as one of them. Workers spin for a few tens of microseconds before they sleep, so the next
// product of a step finds them awake. Claiming rather than fixed shares keeps a busy machine from making a job
// slower than on one thread: a worker the system has not scheduled simply claims nothing, and the caller runs
// the tasks itself.
//
// Callers split work so that every output element is computed by one task exactly as on one thread (a gemm
// by bands of C's rows): results are the same bits whatever the thread count and whoever runs which task.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WasmMemory } from './wasm-assembler';

/** One call of a kernel function: its id from `load` and up to ten i32 arguments. */
export interface KernelCall {
  fn: number;
  args: readonly number[];
}

export interface KernelPool {
  /** Threads that run a job, the caller included. */
  readonly threads: number;
  /**
   * Ids of the named exports of a compiled WebAssembly.Module, instantiated on the heap in every worker
   * (`exports` is the caller's own instance of it). Loading the same module again returns the same ids.
   */
  load(module: object, exports: object, names: readonly string[]): number[];
  /** Runs every task (its calls in order), on whichever thread claims it; returns when all are done. */
  run(tasks: readonly (readonly KernelCall[])[]): void;
}

const ARGS = 10;
const CALL_WORDS = 1 + ARGS;
/** Calls and tasks one job holds; a longer list is run in several jobs. */
const MAX_CALLS = 1 << 16;
const MAX_TASKS = 1024;
const HEADER_WORDS = 16;
// GEN wakes the workers; CLAIM is (job tag << 16 | next task), so a worker late for a job claims nothing of
// the next one; TASKS is the job's task count; DONE counts finished tasks.
const [GEN, CLAIM, TASKS, DONE, KIND, FAILED, READY] = [0, 1, 2, 3, 4, 5, 6];
const [RUN, LOAD] = [1, 2];
const TASK_START = HEADER_WORDS;
const CALLS = TASK_START + MAX_TASKS + 1;
const CONTROL_WORDS = CALLS + MAX_CALLS * CALL_WORDS;
/** Polls before a waiting thread sleeps (≈ 30–60 µs): longer than the gap between two products of a step. */
const SPINS = 20_000;

// The worker's whole program: plain JavaScript evaluated by Worker (no file to bundle or locate).
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { control, memory, port } = workerData;
const c = new Int32Array(control);
const fns = [];
let gen = 0;
Atomics.add(c, ${READY}, 1);
Atomics.notify(c, ${READY});
for (;;) {
  for (let spins = 0; Atomics.load(c, ${GEN}) === gen; spins++) {
    if (spins > ${SPINS}) Atomics.wait(c, ${GEN}, gen);
  }
  gen = Atomics.load(c, ${GEN});
  const kind = Atomics.load(c, ${KIND});
  try {
    if (kind === ${LOAD}) {
      const { module, names } = receiveMessageOnPort(port).message;
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      for (const name of names) fns.push(instance.exports[name]);
      Atomics.add(c, ${DONE}, 1);
      Atomics.notify(c, ${DONE});
      continue;
    }
    for (;;) {
      const claim = Atomics.load(c, ${CLAIM});
      if (claim >>> 16 !== (gen & 0xffff)) break;
      const task = claim & 0xffff;
      if (task >= Atomics.load(c, ${TASKS})) break;
      if (Atomics.compareExchange(c, ${CLAIM}, claim, claim + 1) !== claim) continue;
      for (let p = ${CALLS} + c[${TASK_START} + task] * ${CALL_WORDS}, end = ${CALLS} + c[${TASK_START} + task + 1] * ${CALL_WORDS}; p < end; p += ${CALL_WORDS}) {
        fns[c[p]](c[p + 1], c[p + 2], c[p + 3], c[p + 4], c[p + 5], c[p + 6], c[p + 7], c[p + 8], c[p + 9], c[p + 10]);
      }
      Atomics.add(c, ${DONE}, 1);
      Atomics.notify(c, ${DONE});
    }
  } catch (error) {
    Atomics.store(c, ${FAILED}, 1);
    port.postMessage(String((error && error.stack) || error));
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
  }
}
`;

type KernelFunction = (...args: number[]) => void;

class WorkerPool implements KernelPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly local: KernelFunction[] = [];
  private readonly loaded = new Map<object, number[]>();
  private generation = 0;

  constructor(
    memory: WasmMemory,
    readonly threads: number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    for (let index = 0; index < threads - 1; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { control: this.control.buffer, memory, port: port2 },
        transferList: [port2],
      });
      // A pool must never keep the trainer alive, nor stop it exiting.
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
    this.waitFor(READY, threads - 1);
  }

  load(module: object, exports: object, names: readonly string[]): number[] {
    const known = this.loaded.get(module);
    if (known) return known;
    const ids = names.map((name) => {
      const fn = (exports as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`kernel pool: the module has no export "${name}"`);
      this.local.push(fn as KernelFunction);
      return this.local.length - 1;
    });
    for (const port of this.ports) port.postMessage({ module, names });
    // Every worker loads it once: a load job counts workers, not tasks.
    this.publish(LOAD, 0);
    this.waitFor(DONE, this.workers.length);
    this.checkFailed();
    this.loaded.set(module, ids);
    return ids;
  }

  run(tasks: readonly (readonly KernelCall[])[]): void {
    let first = 0;
    while (first < tasks.length) {
      let calls = 0;
      let end = first;
      while (end < tasks.length && end - first < MAX_TASKS && calls + tasks[end]!.length <= MAX_CALLS) {
        calls += tasks[end]!.length;
        end++;
      }
      if (end === first) {
        // One task longer than a job holds runs here, in order.
        for (const call of tasks[first]!) this.local[call.fn]!(...call.args);
        first++;
        continue;
      }
      this.runJob(tasks, first, end);
      first = end;
    }
  }

  private runJob(tasks: readonly (readonly KernelCall[])[], first: number, end: number): void {
    const c = this.control;
    let p = 0;
    for (let t = first; t < end; t++) {
      c[TASK_START + t - first] = p;
      for (const call of tasks[t]!) {
        const at = CALLS + p * CALL_WORDS;
        c[at] = call.fn;
        for (let a = 0; a < ARGS; a++) c[at + 1 + a] = call.args[a] ?? 0;
        p++;
      }
    }
    c[TASK_START + end - first] = p;
    const count = end - first;
    const tag = this.publish(RUN, count);
    // The caller claims tasks too, and does them all when no worker is running. A failed task still counts as
    // done (so no later job sees its count), and the job's failure is raised once every task has finished.
    let failure: unknown = null;
    for (;;) {
      const claim = Atomics.load(c, CLAIM);
      const task = claim & 0xffff;
      if (claim >>> 16 !== tag || task >= count) break;
      if (Atomics.compareExchange(c, CLAIM, claim, claim + 1) !== claim) continue;
      try {
        for (let q = c[TASK_START + task]!; q < c[TASK_START + task + 1]!; q++) {
          const at = CALLS + q * CALL_WORDS;
          this.local[c[at]!]!(
            c[at + 1]!,
            c[at + 2]!,
            c[at + 3]!,
            c[at + 4]!,
            c[at + 5]!,
            c[at + 6]!,
            c[at + 7]!,
            c[at + 8]!,
            c[at + 9]!,
            c[at + 10]!,
          );
        }
      } catch (error) {
        failure ??= error;
      }
      Atomics.add(c, DONE, 1);
    }
    this.waitFor(DONE, count);
    const reasons = failure !== null ? [String(failure instanceof Error ? failure.stack : failure)] : [];
    this.checkFailed(reasons);
  }

  /** Makes a job of `kind` with `tasks` tasks current and wakes the workers; returns its claim tag. */
  private publish(kind: number, tasks: number): number {
    const c = this.control;
    this.generation = (this.generation + 1) | 0;
    const tag = this.generation & 0xffff;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, KIND, kind);
    Atomics.store(c, TASKS, tasks);
    Atomics.store(c, CLAIM, tag << 16);
    Atomics.store(c, GEN, this.generation);
    Atomics.notify(c, GEN);
    return tag;
  }

  /** Throws the job's failures: `own`, the caller's, and those the workers reported. */
  private checkFailed(own: string[] = []): void {
    const c = this.control;
    const workers = Atomics.load(c, FAILED) !== 0;
    if (!workers && own.length === 0) return;
    Atomics.store(c, FAILED, 0);
    const reported = workers
      ? this.ports.map((port) => receiveMessageOnPort(port)?.message).filter(Boolean)
      : [];
    throw new Error(
      `a kernel task failed: ${[...own, ...reported].map((r) => String(r).split('\n')[0]).join('; ')}`,
    );
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
