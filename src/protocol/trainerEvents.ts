// The trainer's machine-readable event lines (`mla train --json`): one JSON object per stdout line. The
// extension reads them for immediate feedback; the run folder stays the source of truth for everything else.

import type { EpochRecord, RunState, RunSummary } from '../core/runs/types';

export type TrainerEvent =
  | { type: 'diagnostic'; severity: 'error' | 'warning'; text: string }
  | { type: 'backend'; name: string; tried: { name: string; ok: boolean; reason: string }[] }
  | { type: 'run-started'; runDir: string; seed: number }
  | { type: 'progress'; runDir: string; epoch: number; epochs: number; batch: number; batches: number }
  | { type: 'epoch'; runDir: string; record: EpochRecord }
  | { type: 'run-ended'; runDir: string; state: RunState; summary: RunSummary | null; error?: string }
  | { type: 'error'; message: string };

export function encodeTrainerEvent(event: TrainerEvent): string {
  return JSON.stringify(event) + '\n';
}

const TYPES = new Set(['diagnostic', 'backend', 'run-started', 'progress', 'epoch', 'run-ended', 'error']);

/** Parses one stdout line; anything that is not a trainer event (e.g. a stray library message) gives null. */
export function decodeTrainerEvent(line: string): TrainerEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && TYPES.has(type) ? (value as TrainerEvent) : null;
}
