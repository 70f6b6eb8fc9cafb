// How many threads the wasm backend's kernels get in this process. The trainer decides before it loads a
// backend, from (first that says) its --threads flag, the config's `threads` when it is a number, the share
// of the cores a launcher gives each of the runs it trains at once (MLA_THREADS: the extension and the local
// sweep executor set it), and otherwise every core. Results do not depend on it (kernels/gemm-strided.ts).
import * as os from 'node:os';

export type ThreadsSetting = 'auto' | number;

export interface ThreadCount {
  count: number;
  /** Where the count comes from, for the backend line of the run's log. */
  why: string;
}

/** The variable a launcher sets on each trainer process it starts beside others. */
export const THREADS_ENV = 'MLA_THREADS';

let current: ThreadCount = { count: 1, why: 'one thread unless the trainer asks for more' };

export function setWasmThreads(count: ThreadCount): void {
  current = count;
}

export function wasmThreads(): ThreadCount {
  return current;
}

let loaded: string | null = null;

/** What the loaded wasm backend's kernels run on, in words ("2 threads (--threads)"); null before it loads. */
export function wasmThreadsLoaded(): string | null {
  return loaded;
}

export function setWasmThreadsLoaded(words: string): void {
  loaded = words;
}

/** The cores this process may use (os.availableParallelism where Node has it). */
export function availableCores(): number {
  const withParallelism = os as { availableParallelism?: () => number };
  return Math.max(1, withParallelism.availableParallelism?.() ?? os.cpus().length);
}

/** Each of `runs` processes training at once on this machine gets an equal share of its cores, at least 1. */
export function threadsPerRun(runs: number, cores = availableCores()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, runs)));
}

export function resolveThreads(
  flag: number | undefined,
  config: ThreadsSetting,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableCores(),
): ThreadCount {
  if (flag !== undefined) return { count: flag, why: '--threads' };
  if (config !== 'auto') return { count: config, why: 'the config\'s "threads"' };
  const share = env[THREADS_ENV];
  if (share !== undefined && /^[1-9]\d*$/.test(share)) {
    return {
      count: Number(share),
      why: `${THREADS_ENV}: this machine's cores shared among the runs training at once`,
    };
  }
  return { count: cores, why: `every core of this machine (${cores})` };
}
