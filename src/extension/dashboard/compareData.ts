// The seed comparison's rows: the runs the view was opened on, grouped into seed groups (config name +
// launch), and beside them the latest seed group of every other config trained on the same dataset (MLA
// next to joint training: the picture of modality laziness).

import type { RunInfo } from '../../core/runs/reader';
import type { EpochRecord } from '../../core/runs/types';
import type { CompareGroup } from '../../protocol/dashboard';
import { configOf, toRunView } from '../runView';

/** Epoch records per run sent to the comparison; longer runs are thinned (best and last epochs kept). */
export const MAX_COMPARE_RECORDS = 2000;
const MAX_PEER_CONFIGS = 4;

export function compareGroups(primary: RunInfo[], all: RunInfo[]): CompareGroup[] {
  const groups = groupOf(primary).map((runs) => toGroup(runs, true));
  const datasets = new Set(primary.map(datasetOf).filter((d): d is string => d !== null));
  const taken = new Set(primary.map((r) => r.name ?? r.id));
  const shown = new Set(primary.map((r) => r.dir));
  const peers = all.filter(
    (r) =>
      !shown.has(r.dir) &&
      !taken.has(r.name ?? r.id) &&
      r.epochs.length > 0 &&
      datasets.has(datasetOf(r) ?? ''),
  );
  const latestPerConfig = new Map<string, RunInfo[]>();
  for (const runs of groupOf(peers)) {
    const name = runs[0].name ?? runs[0].id;
    const current = latestPerConfig.get(name);
    if (!current || groupIdOf(runs[0]) > groupIdOf(current[0])) latestPerConfig.set(name, runs);
  }
  const peerGroups = [...latestPerConfig.values()]
    .sort((a, b) => (a[0].name ?? '').localeCompare(b[0].name ?? ''))
    .slice(0, MAX_PEER_CONFIGS)
    .map((runs) => toGroup(runs, false));
  return [...groups, ...peerGroups];
}

/** Keeps at most `max` records, evenly spread, always with the best and the last epoch. */
export function thinRecords(records: EpochRecord[], max: number): EpochRecord[] {
  if (records.length <= max) return records;
  const keep = new Set<number>();
  const step = (records.length - 1) / (max - 3);
  for (let i = 0; i < max - 2; i++) keep.add(Math.round(i * step));
  keep.add(records.length - 1);
  const best = records.reduce((b, r, i) => (r.best ? i : b), -1);
  if (best >= 0) keep.add(best);
  return [...keep].sort((a, b) => a - b).map((i) => records[i]);
}

function toGroup(runs: RunInfo[], primary: boolean): CompareGroup {
  const first = runs[0];
  return {
    key: `${first.name ?? first.id}|${groupIdOf(first)}`,
    name: first.name ?? first.id,
    method: configOf(first).method ?? 'mla',
    primary,
    runs: runs
      .slice()
      .sort((a, b) => (a.seed ?? Infinity) - (b.seed ?? Infinity) || a.id.localeCompare(b.id))
      .map((run) => ({ run: toRunView(run), records: thinRecords(run.epochs, MAX_COMPARE_RECORDS) })),
  };
}

function groupOf(runs: RunInfo[]): RunInfo[][] {
  const byKey = new Map<string, RunInfo[]>();
  for (const run of runs) {
    const key = `${run.name ?? run.id}|${groupIdOf(run)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), run]);
  }
  return [...byKey.values()];
}

function groupIdOf(run: RunInfo): string {
  return configOf(run).run?.group ?? run.status?.startedAt ?? run.id;
}

function datasetOf(run: RunInfo): string | null {
  const config = run.config ?? {};
  if (typeof config.dataset === 'string') return config.dataset;
  if (typeof config.datasetBaseDir === 'string') return config.datasetBaseDir;
  return null;
}
