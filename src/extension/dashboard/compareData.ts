// The seed comparison's rows: the runs the view was opened on, grouped into seed groups (config name +
// launch), and beside them the latest seed group of every other config trained on the same dataset (MLA
// next to joint training: the picture of modality laziness).

import { bySeed, configNameOf, seedGroupIdOf, seedGroupsOf, type SeedGroup } from '../../core/runs/groups';
import type { RunInfo } from '../../core/runs/reader';
import { thinRecords } from '../../core/series/thin';
import type { CompareGroup } from '../../protocol/dashboard';
import { methodOf, toRunView } from '../runView';

/** Epoch records per run sent to the comparison; longer runs are thinned (best and last epochs kept). */
export const MAX_COMPARE_RECORDS = 2000;
const MAX_PEER_CONFIGS = 4;

export function compareGroups(primary: RunInfo[], all: RunInfo[]): CompareGroup[] {
  // The groups the view was opened on keep the order their runs were given in.
  const firstGiven = (g: SeedGroup) => Math.min(...g.runs.map((r) => primary.indexOf(r)));
  const groups = seedGroupsOf(primary)
    .sort((a, b) => firstGiven(a) - firstGiven(b))
    .map((g) => toGroup(g.runs, true));
  const datasets = new Set(primary.map(datasetOf).filter((d): d is string => d !== null));
  const taken = new Set(primary.map(configNameOf));
  const shown = new Set(primary.map((r) => r.dir));
  const peers = all.filter(
    (r) =>
      !shown.has(r.dir) &&
      !taken.has(configNameOf(r)) &&
      r.epochs.length > 0 &&
      datasets.has(datasetOf(r) ?? ''),
  );
  const latestPerConfig = new Map<string, RunInfo[]>();
  for (const { config, runs } of seedGroupsOf(peers)) {
    const current = latestPerConfig.get(config);
    if (!current || seedGroupIdOf(runs[0]) > seedGroupIdOf(current[0])) latestPerConfig.set(config, runs);
  }
  const peerGroups = [...latestPerConfig.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, runs]) => runs)
    .slice(0, MAX_PEER_CONFIGS)
    .map((runs) => toGroup(runs, false));
  return [...groups, ...peerGroups];
}

function toGroup(runs: RunInfo[], primary: boolean): CompareGroup {
  const first = runs[0];
  return {
    key: `${configNameOf(first)}|${seedGroupIdOf(first)}`,
    name: configNameOf(first),
    method: methodOf(first),
    primary,
    runs: runs
      .slice()
      .sort(bySeed)
      .map((run) => ({ run: toRunView(run), records: thinRecords(run.epochs, MAX_COMPARE_RECORDS) })),
  };
}

function datasetOf(run: RunInfo): string | null {
  return run.resolved?.dataset ?? run.resolved?.datasetBaseDir ?? null;
}
