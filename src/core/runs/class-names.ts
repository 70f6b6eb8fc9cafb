// Class names of the dataset a run was trained on, for views that name classes (the fusion inspector).

import * as path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { readJsonFile } from './atomic';

type DatasetPlace = Pick<ResolvedConfig, 'dataset' | 'inlineDataset' | 'datasetBaseDir'>;

/**
 * The manifest's `classes` (config.json's `dataset`, a path, or `inlineDataset`), padded with "0".."C-1"
 * where the manifest has none or fewer than `classCount`; "0".."C-1" when the manifest cannot be read.
 */
export function classNamesOf(config: DatasetPlace | null, classCount: number): string[] {
  const fallback = Array.from({ length: classCount }, (_, i) => String(i));
  if (!config) return fallback;
  if (typeof config.inlineDataset === 'object' && config.inlineDataset !== null) {
    return padClasses(classesOf(config.inlineDataset), fallback);
  }
  if (typeof config.dataset === 'string') {
    // The trainer writes the manifest's path resolved; `datasetBaseDir` is the manifest's folder.
    const file =
      path.isAbsolute(config.dataset) || typeof config.datasetBaseDir !== 'string'
        ? config.dataset
        : path.join(config.datasetBaseDir, path.basename(config.dataset));
    try {
      return padClasses(classesOf(readJsonFile(file)), fallback);
    } catch {
      return fallback;
    }
  }
  return fallback;
}

function classesOf(manifest: unknown): string[] | null {
  const classes = (manifest as { classes?: unknown } | null)?.classes;
  return Array.isArray(classes) && classes.length > 0 && classes.every((c) => typeof c === 'string')
    ? (classes as string[])
    : null;
}

function padClasses(names: string[] | null, fallback: string[]): string[] {
  if (!names) return fallback;
  return fallback.map((f, i) => names[i] ?? f);
}
