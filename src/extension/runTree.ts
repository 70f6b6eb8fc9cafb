// The run explorer: runs grouped by config, then by seed group (the seeds launched together), then run.
// A sweep's node also lists its trials that have no run folder yet (queued in Slurm, not started) and carries
// what Slurm says of each task (queued, running, why it failed) over what the run folder says.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { differingEntries } from '../core/config/defaultsDiff';
import { groupRunsByConfig, type SeedGroup } from '../core/runs/groups';
import type { RunInfo } from '../core/runs/reader';
import { formatMeanStd } from '../shared/format';
import { meanStd } from '../shared/stats';
import { COMMANDS } from './commandIds';
import type { TrialReport } from '../core/sweep/executors/types';
import type { RunStore } from './runStore';
import {
  backendOf,
  durationOf,
  epochsOf,
  formatSeconds,
  isActive,
  isResumable,
  methodOf,
  pct,
  runLabel,
  shownAccuracy,
  stateText,
} from './runView';
import type { SweepStates, SweepView } from './sweepStates';
import { sweepNodeItem, taskTooltip, trialItem } from './sweepRows';
import { addSweepTrials, axesLabel, bestGroupIndex, sweepOf, taskContext, type TrialNode } from './sweepTree';

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

const STATE_ICONS: Record<string, vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.blue')),
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  remote: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  stale: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

export class RunTreeProvider implements vscode.TreeDataProvider<RunTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly store: RunStore,
    private readonly sweeps?: SweepStates,
  ) {
    this.subscriptions = [store.onDidChange(() => this.changed.fire(undefined))];
    if (sweeps) this.subscriptions.push(sweeps.onDidChange(() => this.changed.fire(undefined)));
  }

  getChildren(node?: RunTreeNode): RunTreeNode[] {
    if (!node) return buildTree(this.store.all, this.sweeps?.all);
    if (node.kind === 'config') return node.groups;
    if (node.kind === 'group') return groupChildren(node);
    return [];
  }

  getTreeItem(node: RunTreeNode): vscode.TreeItem {
    if (node.kind === 'config') return node.sweep ? sweepNodeItem(node) : configItem(node.name, node.groups);
    if (node.kind === 'group') return groupItem(node);
    if (node.kind === 'trial') return trialItem(node);
    return runItem(node.run, node.task);
  }

  getParent(node: RunTreeNode): RunTreeNode | undefined {
    if (node.kind === 'config') return undefined;
    const tree = buildTree(this.store.all, this.sweeps?.all);
    for (const config of tree) {
      for (const group of config.groups) {
        if (node.kind === 'group' && group.group === node.group && group.config === node.config)
          return config;
        if (node.kind === 'run' && group.runs.some((r) => r.dir === node.run.dir)) return group;
        if (node.kind === 'trial' && group.trials?.some((t) => t.trial.runId === node.trial.runId))
          return group;
      }
    }
    return undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
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

function configItem(name: string, groups: SeedGroupNode[]): vscode.TreeItem {
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
  const runs = groups.reduce((n, g) => n + g.runs.length, 0);
  item.description = `${runs} run${runs === 1 ? '' : 's'}`;
  item.iconPath = new vscode.ThemeIcon('symbol-namespace');
  item.contextValue = 'mla.config';
  item.id = `config:${name}`;
  const configFile = groups[0]?.runs.map((r) => r.resolved?.run.configFile).find((f) => f);
  if (configFile) item.tooltip = configFile;
  return item;
}

function groupItem(node: SeedGroupNode): vscode.TreeItem {
  const when = new Date(node.group);
  const sweep = node.runs.map(sweepOf).find((x) => x !== null) ?? (node.axes ? { axes: node.axes } : null);
  const label = sweep ? axesLabel(sweep) : Number.isNaN(when.getTime()) ? node.group : when.toLocaleString();
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  const accuracy = meanStd(node.runs.map(shownAccuracy));
  const count = node.runs.length + (node.trials?.length ?? 0);
  const seeds = `${count} seed${count === 1 ? '' : 's'}`;
  // A group's figure needs two seeds: one run's accuracy is on its own row already.
  item.description =
    accuracy.n > 1 ? `${seeds} · ${formatMeanStd(accuracy.mean, accuracy.std, { unit: '%' })}` : seeds;
  const running = node.runs.some(isActive);
  if (node.best) item.description = `★ best · ${String(item.description)}`;
  item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : node.best ? 'star-full' : 'layers');
  item.contextValue = 'mla.group';
  item.id = `group:${node.config}:${node.group}`;
  item.tooltip = `${node.config}: ${seeds} launched ${label}`;
  return item;
}

function runItem(run: RunInfo, task?: TrialReport): vscode.TreeItem {
  // A queued or running Slurm task is what the trial is doing now, whatever its folder last said.
  const slurmState =
    task?.slurmTask && (task.state === 'queued' || task.state === 'running') && run.displayState !== 'running'
      ? task.state
      : null;
  const state = slurmState ?? run.displayState;
  const item = new vscode.TreeItem(
    run.seed !== null ? `seed ${run.seed}` : run.id,
    vscode.TreeItemCollapsibleState.None,
  );
  const acc = shownAccuracy(run);
  const epochs = epochsOf(run);
  const epoch = run.lastEpoch?.epoch ?? 0;
  const parts = [
    acc !== null ? pct(acc) : null,
    slurmState === 'queued'
      ? `queued in Slurm (${task?.slurmTask ?? ''})`
      : state === 'running' || state === 'remote'
        ? `epoch ${epoch}/${epochs}`
        : state === 'completed'
          ? null
          : stateText(run),
  ];
  item.description = parts.filter((p): p is string => p !== null).join(' · ');
  // A screen reader hears the whole row, not the icon: config, seed, state and accuracy in words.
  item.accessibilityInformation = {
    label: [
      runLabel(run),
      slurmState === 'queued' ? 'queued in Slurm' : stateText(run),
      acc !== null ? `test accuracy ${pct(acc)}` : 'no accuracy yet',
    ].join(', '),
    role: 'treeitem',
  };
  item.iconPath = STATE_ICONS[state] ?? new vscode.ThemeIcon('circle-outline');
  const resumable = slurmState === null && isResumable(run) ? '.resumable' : '';
  item.contextValue = `mla.run.${state}${task ? taskContext(task) : ''}${resumable}`;
  item.id = `run:${run.dir}`;
  item.resourceUri = vscode.Uri.file(run.dir);
  item.tooltip = runTooltip(run);
  if (task) taskTooltip(item.tooltip, task);
  // A click previews the run in the reusable tab; a double-click or Enter (COMMANDS.pinRun) pins it.
  item.command = {
    command: COMMANDS.previewRun,
    title: 'Preview Dashboard',
    arguments: [{ kind: 'run', run }],
  };
  return item;
}

export function runTooltip(run: RunInfo): vscode.MarkdownString {
  const state = run.displayState;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${run.name ?? run.id}** · seed ${run.seed ?? '?'} · ${escape(stateText(run))}\n\n`);
  const epochs = epochsOf(run);
  const rows: [string, string][] = [
    ['method', methodOf(run)],
    // Adapter names carry markdown characters (parentheses, ~, +).
    ['backend', escape(backendOf(run))],
    [
      'epochs',
      `${run.lastEpoch?.epoch ?? 0}/${epochs}${run.summary ? ` (best ${run.summary.bestEpoch})` : ''}`,
    ],
    ['duration', formatSeconds(durationOf(run))],
    ['test fused', pct(shownAccuracy(run))],
  ];
  const unimodal = run.summary?.test.unimodal ?? run.lastEpoch?.test.unimodal ?? {};
  for (const [m, v] of Object.entries(unimodal)) rows.push([`test ${m}`, pct(v)]);
  md.appendMarkdown(rows.map(([k, v]) => `${k}: ${v}`).join('  \n'));
  if (run.resolved) md.appendMarkdown(`\n\n${escape(differingKeysLine(run.resolved))}`);
  if (run.reason) md.appendMarkdown(`\n\n${state === 'completed' ? '' : '⚠ '}${escape(run.reason)}`);
  md.appendMarkdown(`\n\n\`${path.basename(run.dir)}\``);
  return md;
}

/** How many differing keys the tooltip names before "+N more" (the Config view lists them all). */
export const TOOLTIP_DIFFERING_KEYS = 4;

/** "not default: training.epochs = 30, … +3 more", or that every value is a default. */
export function differingKeysLine(config: NonNullable<RunInfo['resolved']>): string {
  const differing = differingEntries(config);
  if (differing.length === 0) return 'every config value is a default';
  const named = differing.slice(0, TOOLTIP_DIFFERING_KEYS).map((e) => `${e.key} = ${e.value}`);
  const more = differing.length - named.length;
  return `not default: ${named.join(', ')}${more > 0 ? ` +${more} more` : ''}`;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}
