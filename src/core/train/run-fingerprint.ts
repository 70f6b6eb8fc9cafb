// What a run was trained on, recorded in config.json `run` when it starts: a sha256 of the training config
// and one of each part of the loaded data. Resume compares them and refuses a run whose config or data
// changed since, naming what changed: continuing it would silently be another experiment.

import { createHash } from 'node:crypto';
import type { Dataset } from '../data/types';
import type { RunConfigRecord } from '../runs/run-config';

type Hash = ReturnType<typeof createHash>;

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function digest(fill: (h: Hash) => void): string {
  const h = createHash('sha256');
  fill(h);
  return h.digest('hex');
}

/** One hash per part of the data, keyed by what a message names: classes, labels, splits, each modality. */
export function dataFingerprint(dataset: Dataset): Record<string, string> {
  const parts: Record<string, string> = {
    classes: digest((h) => h.update(JSON.stringify(dataset.classes))),
    labels: digest((h) => h.update(bytesOf(dataset.labels))),
    splits: digest((h) => {
      const { train, val, test } = dataset.splits;
      for (const split of [train, val ?? new Int32Array(0), test]) {
        h.update(`${split.length};`);
        h.update(bytesOf(split));
      }
      h.update(val === null ? 'no-val' : 'val');
    }),
  };
  for (const m of dataset.modalities) {
    parts[`modality "${m.name}"`] = digest((h) => {
      h.update(JSON.stringify(m.sampleShape));
      h.update(bytesOf(m.features));
      if (m.present) h.update(bytesOf(m.present));
    });
  }
  return parts;
}

/**
 * The config without `run`, without `training.epochs`, which a resume may raise on purpose, and without
 * `threads`, which changes how fast a run trains and not what it computes.
 */
export function configFingerprint(record: RunConfigRecord): string {
  const { run: _run, threads: _threads, ...config } = record;
  const { epochs: _epochs, ...training } = config.training;
  return digest((h) => h.update(canonicalJson({ ...config, training })));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What changed since the run started, or [] when nothing did. Runs recorded before the fingerprints
 * existed have none to compare and give [].
 */
export function changesSinceStart(record: RunConfigRecord, dataset: Dataset): string[] {
  const changes: string[] = [];
  const { configHash, dataHash } = record.run;
  if (configHash !== undefined && configHash !== configFingerprint(record)) {
    changes.push('config.json (the training config differs from the one recorded at the start)');
  }
  if (dataHash !== undefined) {
    const now = dataFingerprint(dataset);
    const keys = new Set([...Object.keys(dataHash), ...Object.keys(now)]);
    for (const key of keys) {
      if (dataHash[key] !== now[key]) changes.push(`the data's ${key} (${dataset.source})`);
    }
  }
  return changes;
}
