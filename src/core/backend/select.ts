// Backends degrade, never break (docs/architecture.md, rule 5): `auto` takes the first that loads of libtensorflow with
// CUDA, libtensorflow, wasm, plain JS; an explicit choice that fails is an error naming what failed and why.
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendName } from '../config/types';
import { tryNativeBackend } from './native';
import type { AttemptResult, BackendAttempt, BackendSelection } from './types';
import { tryWasmBackend } from './wasm';

export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Loads one backend and says why it did or did not; `selectBackend` takes another to test degradation. */
export type BackendLoader = (name: BackendName) => Promise<AttemptResult>;

export async function selectBackend(
  choice: BackendChoice,
  load: BackendLoader = tryBackend,
): Promise<BackendSelection> {
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const tried: BackendAttempt[] = [];
  for (const name of candidates) {
    const result = await load(name);
    tried.push({ name, ok: result.ok, reason: result.reason });
    if (result.ok) return { name, tried };
  }
  if (choice !== 'auto') throw new Error(`Backend '${choice}' is not available: ${tried[0].reason}`);
  throw new Error(`No backend could be loaded: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

export async function tryBackend(name: BackendName): Promise<AttemptResult> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryNativeBackend(true);
    case 'tensorflow':
      return tryNativeBackend(false);
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
        reason: 'plain JavaScript backend (works everywhere; 20-300x slower than wasm for training)',
      }
    : { ok: false, reason: 'the plain JavaScript backend did not initialise' };
}
