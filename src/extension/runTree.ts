// The run explorer: runs grouped by config, then by seed group (the seeds launched together), then run.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { differingEntries } from '../core/config/defaultsDiff';
import { groupRunsByConfig, type SeedGroup } from '../core/runs/groups';
import type { RunInfo } from '../core/runs/reader';
import { formatMeanStd } from '../shared/format';
import { meanStd } from '../shared/stats';
import { COMMANDS } from './commandIds';
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
import { axesLabel, bestGroupIndex, sweepOf } from './sweepTree';

export type RunTreeNode =
  { kind: 'config'; name: string; groups: SeedGroupNode[] } | SeedGroupNode | { kind: 'run'; run: RunInfo };

export interface SeedGroupNode extends SeedGroup {
  kind: 'group';
  /** A sweep's combination with the best mean metric. */
  best?: boolean;
}

const STATE_ICONS: Record<string, vscode.ThemeIcon> = {
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
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: RunStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: RunTreeNode): RunTreeNode[] {
    if (!node) return buildTree(this.store.all);
    if (node.kind === 'config') return node.groups;
    if (node.kind === 'group') return node.runs.map((run) => ({ kind: 'run', run }));
    return [];
  }

  getTreeItem(node: RunTreeNode): vscode.TreeItem {
    if (node.kind === 'config') return configItem(node.name, node.groups);
    if (node.kind === 'group') return groupItem(node);
    return runItem(node.run);
  }

  getParent(node: RunTreeNode): RunTreeNode | undefined {
    if (node.kind === 'config') return undefined;
    const tree = buildTree(this.store.all);
    for (const config of tree) {
      if (config.kind !== 'config') continue;
      for (const group of config.groups) {
        if (node.kind === 'group' && group.group === node.group && group.config === node.config)
          return config;
        if (node.kind === 'run' && group.runs.some((r) => r.dir === node.run.dir)) return group;
      }
    }
    return undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function buildTree(runs: RunInfo[]): Extract<RunTreeNode, { kind: 'config' }>[] {
  return groupRunsByConfig(runs).map(({ name, groups }) => ({
    kind: 'config' as const,
    name,
    groups: markBest(groups.map((g) => ({ kind: 'group' as const, ...g }))),
  }));
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
  const sweep = node.runs.map(sweepOf).find((x) => x !== null);
  const label = sweep ? axesLabel(sweep) : Number.isNaN(when.getTime()) ? node.group : when.toLocaleString();
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  const accuracy = meanStd(node.runs.map(shownAccuracy));
  const seeds = `${node.runs.length} seed${node.runs.length === 1 ? '' : 's'}`;
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

function runItem(run: RunInfo): vscode.TreeItem {
  const state = run.displayState;
  const item = new vscode.TreeItem(
    run.seed !== null ? `seed ${run.seed}` : run.id,
    vscode.TreeItemCollapsibleState.None,
  );
  const acc = shownAccuracy(run);
  const epochs = epochsOf(run);
  const epoch = run.lastEpoch?.epoch ?? 0;
  const parts = [
    acc !== null ? pct(acc) : null,
    state === 'running' || state === 'remote'
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
      stateText(run),
      acc !== null ? `test accuracy ${pct(acc)}` : 'no accuracy yet',
    ].join(', '),
    role: 'treeitem',
  };
  item.iconPath = STATE_ICONS[state] ?? new vscode.ThemeIcon('circle-outline');
  item.contextValue = `mla.run.${state}${isResumable(run) ? '.resumable' : ''}`;
  item.id = `run:${run.dir}`;
  item.resourceUri = vscode.Uri.file(run.dir);
  item.tooltip = runTooltip(run);
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
