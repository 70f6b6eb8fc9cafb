// Which dataset a run was trained on, for comparisons across datasets: the manifest's path the run recorded
// (an inline manifest by its content), so runs of one dataset meet in one table whatever their config.
// Whether the data under that path stayed the same is the protocol's business (its `dataHash`).

import * as path from 'node:path';
import type { RunInfo } from '../runs/reader';
import type { RunConfigRecord } from '../runs/run-config';

export interface DatasetRuns {
  /** What identifies the dataset: the manifest's path, or the inline manifest's JSON. */
  key: string;
  /** How tables name it: the manifest's folder (`dataset.json`) or file name; the full path if that clashes. */
  name: string;
  /** The data's fingerprint the first of its runs recorded (`run.dataHash`, canonical JSON); null if none. */
  dataHash: string | null;
  runs: RunInfo[];
}

/** The runs grouped by dataset, datasets in the order their first run comes, runs in the order given. */
export function groupByDataset(runs: readonly RunInfo[]): DatasetRuns[] {
  const groups = new Map<string, { full: string; short: string; runs: RunInfo[] }>();
  for (const run of runs) {
    const config = run.resolved as RunConfigRecord;
    const key = datasetKeyOf(config);
    let group = groups.get(key);
    if (!group) {
      group = { ...namesOf(config, groups.size), runs: [] };
      groups.set(key, group);
    }
    group.runs.push(run);
  }
  const values = [...groups.values()];
  const clashes = (short: string) => values.filter((g) => g.short === short).length > 1;
  return [...groups.entries()].map(([key, g]) => ({
    key,
    name: clashes(g.short) ? g.full : g.short,
    dataHash: dataHashOf(g.runs),
    runs: g.runs,
  }));
}

/**
 * Datasets under different paths that hold the same data (equal data hashes: a copy on a cluster, say):
 * counted twice, they would weigh twice in ranks across datasets. Each pair as `a and b`.
 */
export function sameDataPairs(datasets: readonly DatasetRuns[]): string[] {
  const pairs: string[] = [];
  datasets.forEach((a, i) => {
    for (const b of datasets.slice(i + 1)) {
      if (a.dataHash !== null && a.dataHash === b.dataHash) pairs.push(`${a.name} and ${b.name}`);
    }
  });
  return pairs;
}

function dataHashOf(runs: readonly RunInfo[]): string | null {
  for (const run of runs) {
    const hash = (run.resolved as RunConfigRecord).run.dataHash;
    if (hash !== undefined)
      return JSON.stringify(Object.entries(hash).sort(([a], [b]) => a.localeCompare(b)));
  }
  return null;
}

function datasetKeyOf(config: RunConfigRecord): string {
  if (config.dataset !== null) return `file:${path.resolve(config.dataset)}`;
  return `inline:${config.datasetBaseDir}:${JSON.stringify(config.inlineDataset)}`;
}

function namesOf(config: RunConfigRecord, index: number): { full: string; short: string } {
  if (config.dataset === null) {
    const name = `inline dataset ${index + 1} (${config.name})`;
    return { full: name, short: name };
  }
  const file = path.resolve(config.dataset);
  const base = path.basename(file);
  const short = base === 'dataset.json' ? path.basename(path.dirname(file)) : base.replace(/\.json$/, '');
  return { full: file, short };
}
