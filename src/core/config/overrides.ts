// Command-line overrides (--epochs, --backend, --seed) applied to an already validated config.

import type { BackendChoice, ResolvedConfig } from './types';

const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface ConfigOverrides {
  epochs?: number;
  backend?: BackendChoice;
  seeds?: number[];
}

/** A copy of `config` with the overrides applied; throws an Error with a plain message for a bad value. */
export function applyOverrides(config: ResolvedConfig, o: ConfigOverrides): ResolvedConfig {
  const out = structuredClone(config);
  if (o.epochs !== undefined) {
    if (!Number.isInteger(o.epochs) || o.epochs < 1) {
      throw new Error(`epochs: expected an integer ≥ 1, found ${o.epochs}`);
    }
    out.training.epochs = o.epochs;
  }
  if (o.backend !== undefined) {
    if (!BACKENDS.includes(o.backend)) {
      throw new Error(`backend: expected one of ${BACKENDS.join(', ')}, found ${String(o.backend)}`);
    }
    out.backend = o.backend;
  }
  if (o.seeds !== undefined) {
    const bad = o.seeds.find((s) => !Number.isInteger(s) || s < 0 || s > 0xffffffff);
    if (o.seeds.length === 0 || bad !== undefined) {
      throw new Error(`seed: expected integers 0 ≤ s < 2^32, found [${o.seeds.join(', ')}]`);
    }
    out.seeds = [...new Set(o.seeds)];
  }
  return out;
}
