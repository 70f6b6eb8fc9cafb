// Seed groups: the runs of one config launched together (one "train" of every seed). The run explorer
// shows them as config → seed group → run, and "compare seeds" aggregates over one group.

import type { RunInfo } from './reader';

/** What a run without a readable config name is listed under. */
export const UNNAMED_CONFIG = 'unnamed';

/** A sweep's trials are listed under the sweep ("<name> (sweep)"), other runs under their config's name. */
export function configNameOf(run: RunInfo): string {
  const sweep = run.resolved?.run.sweep;
  if (sweep) return `${sweep.name} (sweep)`;
  return run.name ?? UNNAMED_CONFIG;
}

/** The launch a run belongs to: config.json's `run.group`, else its start time, else its folder name. */
export function seedGroupIdOf(run: RunInfo): string {
  return run.resolved?.run.group ?? run.status?.startedAt ?? run.id;
}

export interface SeedGroup {
  config: string;
  group: string;
  /** By seed (runs without one last), then by folder name. */
  runs: RunInfo[];
}

export interface ConfigGroup {
  name: string;
  /** Newest launch first. */
  groups: SeedGroup[];
}

export function bySeed(a: RunInfo, b: RunInfo): number {
  return (a.seed ?? Infinity) - (b.seed ?? Infinity) || a.id.localeCompare(b.id);
}

/** Runs grouped by config name (sorted by name), then by seed group. */
export function groupRunsByConfig(runs: readonly RunInfo[]): ConfigGroup[] {
  const byConfig = new Map<string, Map<string, RunInfo[]>>();
  for (const run of runs) {
    const name = configNameOf(run);
    const group = seedGroupIdOf(run);
    const groups = byConfig.get(name) ?? new Map<string, RunInfo[]>();
    byConfig.set(name, groups);
    groups.set(group, [...(groups.get(group) ?? []), run]);
  }
  return [...byConfig.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, groups]) => ({
      name,
      groups: [...groups.entries()]
        .sort(([a], [b]) => b.localeCompare(a))
        .map(([group, members]) => ({ config: name, group, runs: members.sort(bySeed) })),
    }));
}

/** Every seed group of `runs`, flat. */
export function seedGroupsOf(runs: readonly RunInfo[]): SeedGroup[] {
  return groupRunsByConfig(runs).flatMap((c) => c.groups);
}

/** The other runs launched with `run` (itself included). */
export function seedGroupOf(run: RunInfo, all: readonly RunInfo[]): RunInfo[] {
  const group = seedGroupIdOf(run);
  return all.filter((r) => configNameOf(r) === configNameOf(run) && seedGroupIdOf(r) === group);
}
