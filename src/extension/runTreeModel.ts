// The run explorer's nodes and how they follow the run folders, without `vscode` (the rows are runTree.ts).
// VS Code finds a changed node by identity, so the explorer keeps one object per row for as long as the
// tree's shape holds and updates it in place: a trainer writing an epoch redraws that run's row (and its
// seed group's, when the group's figure moved), not every row, and a click on another row is not lost to
// the redraw.

import { groupRunsByConfig, type SeedGroup } from '../core/runs/groups';
import type { RunInfo } from '../core/runs/reader';
import type { TrialReport } from '../core/sweep/executors/types';
import { isActive, shownAccuracy } from './runView';
import type { SweepView } from './sweepStates';
import { addSweepTrials, bestGroupIndex, sweepOf, type TrialNode } from './sweepTree';

export type RunTreeNode = ConfigNode | SeedGroupNode | RunNode | TrialNode;

export interface ConfigNode {
  kind: 'config';
  name: string;
  groups: SeedGroupNode[];
  /** The sweep this node lists, when it is one (with every trial's state). */
  sweep?: SweepView;
}

export interface RunNode {
  kind: 'run';
  run: RunInfo;
  /** The run's trial as its sweep's executor sees it (Slurm's task state, exit reason, stderr file). */
  task?: TrialReport;
}

export interface SeedGroupNode extends SeedGroup {
  kind: 'group';
  /** A sweep's combination with the best mean metric. */
  best?: boolean;
  /** A sweep's trials of this combination without a run folder yet. */
  trials?: TrialNode[];
  /** Executor reports of the group's runs, by run folder. */
  tasks?: Map<string, TrialReport>;
  /** A sweep's axis values, for a group none of whose trials has a run folder yet. */
  axes?: Record<string, unknown>;
}

export function buildTree(runs: RunInfo[], sweeps: readonly SweepView[] = []): ConfigNode[] {
  const tree: ConfigNode[] = groupRunsByConfig(runs).map(({ name, groups }) => ({
    kind: 'config' as const,
    name,
    groups: groups.map((g) => ({ kind: 'group' as const, ...g })),
  }));
  for (const sweep of sweeps) addSweepTrials(tree, sweep);
  tree.sort((a, b) => a.name.localeCompare(b.name));
  for (const config of tree) config.groups = markBest(config.groups);
  return tree;
}

/** A group's runs (by seed), then its trials that have no run folder yet. */
export function groupChildren(node: SeedGroupNode): RunTreeNode[] {
  const runs: RunTreeNode[] = node.runs.map((run) => {
    const task = node.tasks?.get(run.dir);
    return task ? { kind: 'run', run, task } : { kind: 'run', run };
  });
  return [...runs, ...(node.trials ?? [])];
}

function markBest(groups: SeedGroupNode[]): SeedGroupNode[] {
  if (!groups.some((g) => g.runs.some((r) => sweepOf(r)))) return groups;
  const best = bestGroupIndex(groups.map((g) => g.runs));
  return groups.map((g, i) => (i === best ? { ...g, best: true } : g));
}

/** A row's identity across rebuilds (runTree.ts gives the rows the same ids). */
export function nodeKey(node: RunTreeNode): string {
  switch (node.kind) {
    case 'config':
      return node.sweep ? `sweep:${node.sweep.planFile}` : `config:${node.name}`;
    case 'group':
      return `group:${node.config}:${node.group}`;
    case 'run':
      return `run:${node.run.dir}`;
    case 'trial':
      return `trial:${node.sweep.planFile}:${node.trial.index}`;
  }
}

/** What the explorer must redraw: everything (rows came or went, or moved), or these rows. */
export type TreeUpdate = { kind: 'all' } | { kind: 'rows'; nodes: RunTreeNode[] };

/** The explorer's rows as one set of objects, kept while the tree's shape stays the same. */
export class ExplorerTree {
  private current: ConfigNode[] | null = null;
  private readonly children = new WeakMap<SeedGroupNode, RunTreeNode[]>();

  /** `build`: the tree as the run folders and sweeps say now, built on the first call. */
  constructor(private readonly build: () => ConfigNode[]) {}

  get roots(): ConfigNode[] {
    this.current ??= this.build();
    return this.current;
  }

  childrenOf(node: RunTreeNode): RunTreeNode[] {
    if (node.kind === 'config') return node.groups;
    if (node.kind !== 'group') return [];
    let rows = this.children.get(node);
    if (!rows) {
      rows = groupChildren(node);
      this.children.set(node, rows);
    }
    return rows;
  }

  parentOf(node: RunTreeNode): RunTreeNode | undefined {
    const key = nodeKey(node);
    for (const config of this.roots) {
      for (const group of config.groups) {
        if (nodeKey(group) === key) return config;
        if (this.childrenOf(group).some((child) => nodeKey(child) === key)) return group;
      }
    }
    return undefined;
  }

  /**
   * Takes in the tree as it is now. Same shape: the existing rows take the new contents and the rows whose
   * text changed are returned; another shape replaces the tree.
   */
  update(): TreeUpdate {
    const next = this.build();
    const previous = this.current;
    if (previous === null || shapeOf(previous, groupChildren) !== shapeOf(next, groupChildren)) {
      this.current = next;
      return { kind: 'all' };
    }
    const changed: RunTreeNode[] = [];
    previous.forEach((config, i) => this.patchConfig(config, next[i], changed));
    return { kind: 'rows', nodes: changed };
  }

  private patchConfig(old: ConfigNode, next: ConfigNode, changed: RunTreeNode[]): void {
    if (sweepFace(old.sweep) !== sweepFace(next.sweep)) changed.push(old);
    old.sweep = next.sweep;
    old.groups.forEach((group, i) => this.patchGroup(group, next.groups[i], changed));
  }

  private patchGroup(old: SeedGroupNode, next: SeedGroupNode, changed: RunTreeNode[]): void {
    const face = groupFace(old);
    const rows = this.childrenOf(old);
    const nextRows = groupChildren(next);
    rows.forEach((row, i) => {
      if (patchRow(row, nextRows[i])) changed.push(row);
    });
    old.runs = next.runs;
    old.tasks = next.tasks;
    old.axes = next.axes;
    old.best = next.best;
    // The trial rows were patched in place above: the group keeps their objects.
    if (groupFace(old) !== face) changed.push(old);
  }
}

/** Copies a row's new contents into it; true when what it shows changed. */
function patchRow(row: RunTreeNode, next: RunTreeNode): boolean {
  if (row.kind === 'run' && next.kind === 'run') {
    const changed = row.run !== next.run || JSON.stringify(row.task) !== JSON.stringify(next.task);
    row.run = next.run;
    if (next.task) row.task = next.task;
    else delete row.task;
    return changed;
  }
  if (row.kind === 'trial' && next.kind === 'trial') {
    const changed =
      JSON.stringify(row.report) !== JSON.stringify(next.report) || row.sweep.slurm !== next.sweep.slurm;
    row.report = next.report;
    row.sweep = next.sweep;
    row.trial = next.trial;
    return changed;
  }
  return false;
}

/** Every row's key in order, with its depth: equal shapes have the same rows in the same places. */
function shapeOf(tree: ConfigNode[], children: (group: SeedGroupNode) => RunTreeNode[]): string {
  const lines: string[] = [];
  for (const config of tree) {
    lines.push(nodeKey(config));
    for (const group of config.groups) {
      lines.push(` ${nodeKey(group)}`);
      for (const child of children(group)) lines.push(`  ${nodeKey(child)}`);
    }
  }
  return lines.join('\n');
}

/** What a seed group's row shows of its runs: their figures, whether one runs, whether it is the best. */
function groupFace(group: SeedGroupNode): string {
  return JSON.stringify([
    group.runs.map(shownAccuracy),
    group.runs.some(isActive),
    group.best === true,
    group.axes ?? null,
  ]);
}

/** What a sweep's row shows: its progress and its tasks' states. */
function sweepFace(sweep: SweepView | undefined): string {
  if (!sweep) return '';
  return JSON.stringify([sweep.slurm, sweep.counts, sweep.reports.map((r) => [r.state, r.slurmTask])]);
}
