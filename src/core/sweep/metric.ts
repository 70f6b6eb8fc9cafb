// The value a sweep ranks its trials by: a dotted path into a run's summary.json (default `val.fused`,
// the validation fused accuracy at the best epoch). Higher is better.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES } from '../runs/paths';

export function metricOf(runDir: string, metric: string): number | null {
  let summary: unknown;
  try {
    summary = JSON.parse(fs.readFileSync(path.join(runDir, RUN_FILES.summary), 'utf8'));
  } catch {
    return null;
  }
  return metricFromSummary(summary, metric);
}

/** The value at a dotted path of a summary record; null when it is missing or not a finite number. */
export function metricFromSummary(summary: unknown, metric: string): number | null {
  let node = summary;
  for (const part of metric.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : null;
}
