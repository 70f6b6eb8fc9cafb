// The run explorer: runs grouped by config, then by seed group (the seeds launched together), then run.
// A sweep's node also lists its trials that have no run folder yet (queued in Slurm, not started) and carries
// what Slurm says of each task (queued, running, why it failed) over what the run folder says.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { differingEntries } from '../core/config/defaultsDiff';
import type { RunInfo } from '../core/runs/reader';
import { formatMeanStd } from '../shared/format';
import { meanStd } from '../shared/stats';
import { COMMANDS } from './commandIds';
import type { RunStore } from './runStore';
import { buildTree, ExplorerTree, type RunNode, type RunTreeNode, type SeedGroupNode } from './runTreeModel';
import {
  backendOf,
  durationOf,
  epochsOf,
  formatSeconds,
  isActive,
  isResumable,
  methodOf,
  pct,
  runAccessibleLabel,
  seedGroupAccessibleLabel,
  shownAccuracy,
  stateText,
} from './runView';
import type { SweepStates } from './sweepStates';
import { sweepNodeItem, taskTooltip, trialItem } from './sweepRows';
import { axesLabel, sweepOf, taskContext } from './sweepTree';

export {
  buildTree,
  groupChildren,
  type ConfigNode,
  type RunNode,
  type RunTreeNode,
  type SeedGroupNode,
} from './runTreeModel';

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
  private readonly changed = new vscode.EventEmitter<RunTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly tree: ExplorerTree;

  constructor(
    private readonly store: RunStore,
    private readonly sweeps?: SweepStates,
  ) {
    this.tree = new ExplorerTree(() => buildTree(this.store.all, this.sweeps?.all));
    this.subscriptions = [store.onDidChange(() => this.refresh())];
    if (sweeps) this.subscriptions.push(sweeps.onDidChange(() => this.refresh()));
  }

  getChildren(node?: RunTreeNode): RunTreeNode[] {
    return node ? this.tree.childrenOf(node) : this.tree.roots;
  }

  getTreeItem(node: RunTreeNode): vscode.TreeItem {
    if (node.kind === 'config') return node.sweep ? sweepNodeItem(node) : configItem(node.name, node.groups);
    if (node.kind === 'group') return groupItem(node);
    if (node.kind === 'trial') return trialItem(node);
    return runItem(node);
  }

  getParent(node: RunTreeNode): RunTreeNode | undefined {
    return this.tree.parentOf(node);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  /** Redraws the rows whose text changed; all of them only when rows came, went or moved. */
  private refresh(): void {
    const update = this.tree.update();
    if (update.kind === 'all') this.changed.fire(undefined);
    else if (update.nodes.length > 0) this.changed.fire(update.nodes);
  }
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
  item.accessibilityInformation = {
    label: seedGroupAccessibleLabel(node.config, label, node.runs, count, node.best === true),
    role: 'treeitem',
  };
  return item;
}

function runItem(node: RunNode): vscode.TreeItem {
  const { run, task } = node;
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
  // A screen reader hears the whole row, not the icon.
  item.accessibilityInformation = { label: runAccessibleLabel(run, slurmState), role: 'treeitem' };
  item.iconPath = STATE_ICONS[state] ?? new vscode.ThemeIcon('circle-outline');
  const resumable = slurmState === null && isResumable(run) ? '.resumable' : '';
  item.contextValue = `mla.run.${state}${task ? taskContext(task) : ''}${resumable}`;
  item.id = `run:${run.dir}`;
  item.resourceUri = vscode.Uri.file(run.dir);
  item.tooltip = runTooltip(run);
  if (task) taskTooltip(item.tooltip, task);
  // A click previews the run in the reusable tab; a double-click or Enter (COMMANDS.pinRun) pins it. The
  // node is the row's own object, which follows the run folder (runTreeModel.ts).
  item.command = { command: COMMANDS.previewRun, title: 'Preview Dashboard', arguments: [node] };
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
