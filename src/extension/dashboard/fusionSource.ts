// What the fusion inspector reads from a run folder: the per-sample records (fusion.jsonl, or a file `mla
// eval` wrote), the class names from the dataset manifest the run was trained on, and the kept checkpoints.

import * as path from 'node:path';
import { readTextBoundedSync } from '../../core/io/bounded-read';
import { LIMITS } from '../../core/io/limits';
import { listCheckpoints } from '../../core/runs/checkpoint';
import type { FusionRecord } from '../../core/runs/types';

export interface FusionFile {
  records: FusionRecord[];
  /** Lines that were not a fusion record (a half-written last line, damage). */
  skipped: number;
}

/** Reads a fusion-records file; throws (with the file name) only when it cannot be read at all. */
export function readFusionFile(file: string): FusionFile {
  const text = readTextBoundedSync(file, { limit: LIMITS.jsonl, what: 'a fusion-records file' });
  const records: FusionRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isFusionRecord(value)) records.push(value);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

function isFusionRecord(value: unknown): value is FusionRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    Number.isInteger(r.index) &&
    Number.isInteger(r.label) &&
    Number.isInteger(r.prediction) &&
    typeof r.correct === 'boolean' &&
    Array.isArray(r.fused) &&
    typeof r.probs === 'object' &&
    r.probs !== null &&
    typeof r.weights === 'object' &&
    r.weights !== null &&
    typeof r.entropy === 'object' &&
    r.entropy !== null
  );
}

/**
 * Class names of the run's dataset: the manifest's `classes` (config.json `dataset`, a path, or
 * `inlineDataset`), else "0".."C-1".
 */
export function classNamesOf(config: Record<string, unknown> | null, classCount: number): string[] {
  const fallback = Array.from({ length: classCount }, (_, i) => String(i));
  if (!config) return fallback;
  const fromManifest = (manifest: unknown): string[] | null => {
    const classes = (manifest as { classes?: unknown } | null)?.classes;
    return Array.isArray(classes) && classes.every((c) => typeof c === 'string') && classes.length > 0
      ? (classes as string[])
      : null;
  };
  if (typeof config.inlineDataset === 'object' && config.inlineDataset !== null) {
    return padClasses(fromManifest(config.inlineDataset), fallback);
  }
  if (typeof config.dataset === 'string') {
    // The trainer writes the manifest's path resolved; `datasetBaseDir` is the manifest's folder.
    const file =
      path.isAbsolute(config.dataset) || typeof config.datasetBaseDir !== 'string'
        ? config.dataset
        : path.join(config.datasetBaseDir, path.basename(config.dataset));
    try {
      const manifest = readTextBoundedSync(file, { limit: LIMITS.document, what: 'a dataset manifest' });
      return padClasses(fromManifest(JSON.parse(manifest)), fallback);
    } catch {
      return fallback;
    }
  }
  return fallback;
}

function padClasses(names: string[] | null, fallback: string[]): string[] {
  if (!names) return fallback;
  return fallback.map((f, i) => names[i] ?? f);
}

export function keptCheckpointEpochs(runDir: string): number[] {
  return listCheckpoints(runDir).map((c) => c.epoch);
}
