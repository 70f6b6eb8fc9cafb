import type { BackendName } from '../config/types';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was taken or skipped, for log.txt and config.json (docs/architecture.md, rule 5). */
  reason: string;
}

export interface BackendSelection {
  name: BackendName;
  tried: BackendAttempt[];
}

export interface AttemptResult {
  ok: boolean;
  reason: string;
}
