import type { BackendName } from '../config/types';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was taken or skipped, for log.txt and config.json (docs/architecture.md, rule 5). */
  reason: string;
  /** The GPU it ran on, "vendor · architecture · description" (webgpu). */
  adapter?: string;
  /** Milliseconds per training step of the run's model, where `auto` measured it. */
  msPerStep?: number;
}

export interface BackendSelection {
  name: BackendName;
  tried: BackendAttempt[];
}

export interface AttemptResult {
  ok: boolean;
  reason: string;
  /** The adapter's "vendor · architecture · description" (webgpu). */
  adapter?: string;
}

/**
 * Times a few training steps of the run's model on the backend that is active when it is called (warm-up
 * steps first) and returns milliseconds per step; throws when a step fails there.
 */
export type StepMeasure = (backend: BackendName, budgetMs: number) => Promise<number>;
