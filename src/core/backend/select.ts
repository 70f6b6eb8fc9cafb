// Backends degrade, never break (docs/architecture.md, rule 5). An explicit choice that fails is an error naming what
// failed and why. `auto` with a measurement (the trainer's: a few warm-up steps of the run's own model) loads
// every candidate, times the model on each that loads and takes the fastest per step, so a GPU is used only
// where it wins for the config at hand; without one it takes the first that loads of libtensorflow with
// CUDA, libtensorflow, wasm. The plain JavaScript backend is the last resort in both cases, never measured.
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendName } from '../config/types';
import { clearBackendFault } from './fault';
import { tryNativeBackend } from './native';
import type { AttemptResult, BackendAttempt, BackendSelection, StepMeasure } from './types';
import { tryWasmBackend } from './wasm';
import { tryWebgpuBackend } from './webgpu';

/** What `auto` considers, in the order it loads them; the fixed order without a measurement skips webgpu. */
export const AUTO_CANDIDATES: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm'];
export type BackendLoader = (name: BackendName) => Promise<AttemptResult>;

export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The whole measurement's budget, shared by the backends that load. */
export const MEASURE_BUDGET_MS = 2000;

export interface SelectOptions {
  /** Makes `auto` decide by timing the run's model on each backend that loads. */
  measure?: StepMeasure;
  /** An estimate of the run's largest buffer (bytes), checked against a GPU adapter's limits. */
  largestBufferBytes?: number;
  /** Loads one backend and makes it active; replaceable in tests. */
  load?: BackendLoader;
  budgetMs?: number;
}

export async function selectBackend(
  choice: BackendChoice,
  options: SelectOptions = {},
): Promise<BackendSelection> {
  const load = options.load ?? ((name: BackendName) => tryBackend(name, options.largestBufferBytes));
  clearBackendFault();
  if (choice !== 'auto') {
    const result = await load(choice);
    const attempt = attemptOf(choice, result);
    if (!result.ok) throw new Error(`Backend '${choice}' is not available: ${result.reason}`);
    return { name: choice, tried: [attempt] };
  }
  return options.measure
    ? selectByMeasurement(load, options.measure, options.budgetMs ?? MEASURE_BUDGET_MS)
    : selectFirst(load);
}

async function selectFirst(load: (name: BackendName) => Promise<AttemptResult>): Promise<BackendSelection> {
  const tried: BackendAttempt[] = [];
  for (const name of AUTO_ORDER) {
    const result = await load(name);
    tried.push(attemptOf(name, result));
    if (result.ok) return { name, tried };
  }
  throw noBackend(tried);
}

async function selectByMeasurement(
  load: (name: BackendName) => Promise<AttemptResult>,
  measure: StepMeasure,
  budgetMs: number,
): Promise<BackendSelection> {
  const tried: BackendAttempt[] = [];
  for (const name of AUTO_CANDIDATES) {
    // Both libtensorflow packages register the same tf backend: measuring it twice says nothing new.
    if (name === 'tensorflow' && tried.some((t) => t.name === 'tensorflow-gpu' && t.ok)) {
      tried.push({ name, ok: false, reason: 'not measured: tensorflow-gpu loaded the same tf backend' });
      continue;
    }
    tried.push(attemptOf(name, await load(name)));
  }
  const loaded = tried.filter((t) => t.ok);
  const share = budgetMs / Math.max(1, loaded.length);
  for (const attempt of loaded) {
    // Each load made its backend active; the one to time must be active again.
    const again = await load(attempt.name);
    try {
      if (!again.ok) throw new Error(again.reason);
      attempt.msPerStep = round(await measure(attempt.name, share), 3);
    } catch (error) {
      attempt.ok = false;
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      attempt.reason = `loaded, but a training step failed there: ${message} (${attempt.reason})`;
    }
  }
  const measured = tried.filter((t) => t.ok && t.msPerStep !== undefined);
  if (measured.length === 0) {
    const cpu = await load('cpu');
    tried.push(attemptOf('cpu', cpu));
    if (cpu.ok) return { name: 'cpu', tried };
    throw noBackend(tried);
  }
  const fastest = measured.reduce((a, b) => (b.msPerStep! < a.msPerStep! ? b : a));
  for (const t of measured) {
    t.reason += t === fastest ? '; fastest for this model' : `; slower than ${fastest.name} for this model`;
  }
  const final = await load(fastest.name);
  if (!final.ok) throw new Error(`Backend '${fastest.name}' stopped loading: ${final.reason}`);
  return { name: fastest.name, tried };
}

function attemptOf(name: BackendName, result: AttemptResult): BackendAttempt {
  const attempt: BackendAttempt = { name, ok: result.ok, reason: result.reason };
  if (result.adapter !== undefined) attempt.adapter = result.adapter;
  return attempt;
}

function noBackend(tried: BackendAttempt[]): Error {
  return new Error(`No backend could be loaded: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

/** Loads one backend and says why it did or did not; `selectBackend` takes another (`load`) to test degradation. */
export async function tryBackend(name: BackendName, largestBufferBytes?: number): Promise<AttemptResult> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryNativeBackend(true);
    case 'tensorflow':
      return tryNativeBackend(false);
    case 'webgpu':
      return tryWebgpuBackend({ largestBufferBytes });
    case 'wasm':
      return tryWasmBackend();
    case 'cpu':
      return tryCpuBackend();
  }
}

async function tryCpuBackend(): Promise<AttemptResult> {
  const ready = await tf.setBackend('cpu');
  return ready
    ? {
        ok: true,
        reason:
          'plain JavaScript backend (works everywhere; 20-1000x slower than wasm for training, the most on convolutions)',
      }
    : { ok: false, reason: 'the plain JavaScript backend did not initialise' };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
