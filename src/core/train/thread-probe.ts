// `threads: auto` keeps more than one kernel thread only where they make the run's own steps faster. Threads
// pay off when the cores are free and the products big; on a machine whose cores are busy or share their
// execution units (measured on one: two processes together got 1.1× the throughput of one), handing products
// to a second thread costs more than it saves. So the trainer times a few steps of the run's own model on one
// thread and on all of them, interleaved, and keeps the faster; a count the user gave is kept as given.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPool, setKernelThreads } from '../backend/kernels/kernel-threads';
import { setWasmThreadsLoaded, type ThreadCount } from '../backend/threads';
import type { BackendSelection } from '../backend/types';
import type { ResolvedConfig } from '../config/types';
import type { Dataset } from '../data/types';
import { loadRunDataset } from './runner';
import { probeShapes, StepProbe, type ProbeShapes } from './step-probe';

/** Time for the interleaved steps (after one warm-up step on each count), and the most steps per count. */
const BUDGET_MS = 120;
const MIN_STEPS = 3;
const MAX_STEPS = 12;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * With an automatic count on the wasm backend: measures 1 and `threads.count` kernel threads on the run's steps,
 * keeps the faster, and rewrites the backend's reason to say what was measured. Returns the kept count.
 */
export async function chooseKernelThreads(
  backend: BackendSelection,
  threads: ThreadCount,
  config: ResolvedConfig,
  shapes: ProbeShapes,
): Promise<number> {
  if (backend.name !== 'wasm' || threads.explicit) return threads.count;
  const pool = kernelPool(tf.backend() as BackendWasm);
  if (pool === null) return 1;
  const probe = new StepProbe(config, shapes);
  const one: number[] = [];
  const all: number[] = [];
  // One step on each count by turns, so a change in the machine's load falls on both alike.
  const timed = async (threadsNow: number, into: number[] | null) => {
    setKernelThreads(threadsNow);
    const start = performance.now();
    await probe.step();
    into?.push(performance.now() - start);
  };
  try {
    await timed(1, null);
    await timed(pool.threads, null);
    const start = performance.now();
    while (one.length < MIN_STEPS || (one.length < MAX_STEPS && performance.now() - start < BUDGET_MS)) {
      await timed(1, one);
      await timed(pool.threads, all);
    }
  } finally {
    probe.dispose();
  }
  const [msOne, msAll] = [median(one), median(all)];
  const kept = msAll < msOne ? pool.threads : 1;
  setKernelThreads(kept);
  const words =
    `${kept} thread${kept === 1 ? '' : 's'}, ${threads.why}; measured ${msOne.toFixed(2)} ms/step on 1 thread, ` +
    `${msAll.toFixed(2)} on ${pool.threads}`;
  setWasmThreadsLoaded(words);
  for (const attempt of backend.tried) {
    if (attempt.name === 'wasm' && attempt.ok)
      attempt.reason = attempt.reason.replace(/kernels on [^;)]*/, `kernels on ${words}`);
  }
  return kept;
}

/** `chooseKernelThreads` for a run whose data is not loaded yet (a resume, a sweep's trial): loads it first. */
export async function chooseKernelThreadsFor(
  backend: BackendSelection,
  threads: ThreadCount,
  config: ResolvedConfig,
  dataset?: Dataset,
): Promise<number> {
  if (backend.name !== 'wasm' || threads.explicit || threads.count < 2) return threads.count;
  const data = dataset ?? (await loadRunDataset(config));
  return chooseKernelThreads(backend, threads, config, probeShapes(config, data));
}
