// The trainer's machine-readable event lines (`mla train --json`): one JSON object per stdout line. The
// extension reads them for immediate feedback; the run folder stays the source of truth for everything else.
// Each event is a codec; a line is decoded whole, so a reader never meets a field of the wrong shape.

import * as c from './codec';
import { epochRecord, runState, runSummary } from './records';

const trainerEvent = c.tagged({
  diagnostic: c.object({ severity: c.literal('error', 'warning'), text: c.string }),
  backend: c.object({
    name: c.string,
    tried: c.array(c.object({ name: c.string, ok: c.boolean, reason: c.string })),
  }),
  'run-started': c.object({ runDir: c.string, seed: c.integer(0) }),
  progress: c.object({
    runDir: c.string,
    epoch: c.integer(0),
    epochs: c.integer(0),
    batch: c.integer(0),
    batches: c.integer(0),
  }),
  epoch: c.object({ runDir: c.string, record: epochRecord }),
  'run-ended': c.object({
    runDir: c.string,
    state: runState,
    summary: c.nullable(runSummary),
    error: c.optional(c.string),
  }),
  error: c.object({ message: c.string }),
});

export type TrainerEvent = c.Infer<typeof trainerEvent>;

export function encodeTrainerEvent(event: TrainerEvent): string {
  return JSON.stringify(event) + '\n';
}

/**
 * Decodes one stdout line. Anything that is not a whole trainer event (a stray library message, a line of
 * another version's events) gives null, and the caller shows the line as plain log text.
 */
export function decodeTrainerEvent(line: string): TrainerEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const decoded = c.decode(trainerEvent, value);
  return decoded.ok ? decoded.value : null;
}
