// `mla sweep --json`: one JSON object per stdout line, read by the extension's Run Sweep progress. The run
// folders stay the source of truth; these only say how the sweep as a whole is going.

import type { SweepCounts } from '../core/sweep/executors/types';

export type SweepEvent =
  | {
      type: 'sweep-started';
      sweepId: string;
      planFile: string;
      total: number;
      toRun: number;
      executor: string;
    }
  | ({ type: 'sweep-progress'; sweepId: string } & SweepCounts)
  | { type: 'sweep-stopping' }
  | { type: 'sweep-submitted'; sweepId: string }
  | { type: 'sweep-trial-failed'; index: number; state: string; reason?: string; stderrFile?: string }
  | { type: 'sweep-best'; index: number; value: number };

export function encodeSweepEvent(event: SweepEvent): string {
  return JSON.stringify(event) + '\n';
}

const TYPES = new Set([
  'sweep-started',
  'sweep-progress',
  'sweep-stopping',
  'sweep-submitted',
  'sweep-trial-failed',
  'sweep-best',
]);

/** Parses one stdout line of `mla sweep --json`; anything else gives null. */
export function decodeSweepEvent(line: string): SweepEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && TYPES.has(type) ? (value as SweepEvent) : null;
}
