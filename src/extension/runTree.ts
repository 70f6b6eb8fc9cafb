// The run explorer: runs grouped by config, then by seed group (the seeds launched together), then run.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { meanStd } from '../core/eval/metrics';
import type { RunInfo } from '../core/runs/reader';
import type { RunStore } from './runStore';
import { axesLabel, bestGroupIndex, sweepNodeName, sweepOf } from './sweepTree';
import { configOf, displayStateOf, durationOf, formatSeconds, pct, shownAccuracy } from './runView';

export type RunTreeNode =
  { kind: 'config'; name: string; groups: SeedGroupNode[] } | SeedGroupNode | { kind: 'run'; run: RunInfo };

export interface SeedGroupNode {
  kind: 'group';
  config: string;
  group: string;
  runs: RunInfo[];
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
  const byConfig = new Map<string, Map<string, RunInfo[]>>();
  for (const run of runs) {
    const sweep = sweepOf(run);
    const name = sweep ? sweepNodeName(sweep) : (run.name ?? 'unnamed');
    const group = configOf(run).run?.group ?? run.status?.startedAt ?? run.id;
    if (!byConfig.has(name)) byConfig.set(name, new Map());
    const groups = byConfig.get(name)!;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push(run);
  }
  return [...byConfig.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, groups]) => ({
      kind: 'config' as const,
      name,
      groups: markBest(
        [...groups.entries()]
          .sort(([a], [b]) => b.localeCompare(a)) // newest first
          .map(([group, members]) => ({
            kind: 'group' as const,
            config: name,
            group,
            runs: members.sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0) || a.id.localeCompare(b.id)),
          })),
      ),
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
  const configFile = groups[0]?.runs.map((r) => configOf(r).run?.configFile).find((f) => f);
  if (configFile) item.tooltip = configFile;
  return item;
}

function groupItem(node: SeedGroupNode): vscode.TreeItem {
  const when = new Date(node.group);
  const sweep = node.runs.map(sweepOf).find((x) => x !== null);
  const label = sweep ? axesLabel(sweep) : Number.isNaN(when.getTime()) ? node.group : when.toLocaleString();
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  const done = node.runs.map(shownAccuracy).filter((v): v is number => v !== null);
  const seeds = `${node.runs.length} seed${node.runs.length === 1 ? '' : 's'}`;
  if (done.length > 1) {
    const { mean, std } = meanStd(done);
    item.description = `${seeds} · ${(100 * mean).toFixed(1)} ± ${(100 * std).toFixed(1)}%`;
  } else {
    item.description = seeds;
  }
  const running = node.runs.some((r) => ['running', 'remote'].includes(displayStateOf(r)));
  if (node.best) item.description = `★ best · ${String(item.description)}`;
  item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : node.best ? 'star-full' : 'layers');
  item.contextValue = 'mla.group';
  item.id = `group:${node.config}:${node.group}`;
  item.tooltip = `${node.config}: ${seeds} launched ${label}`;
  return item;
}

function runItem(run: RunInfo): vscode.TreeItem {
  const state = displayStateOf(run);
  const config = configOf(run);
  const item = new vscode.TreeItem(
    run.seed !== null ? `seed ${run.seed}` : run.id,
    vscode.TreeItemCollapsibleState.None,
  );
  const acc = shownAccuracy(run);
  const epochs = run.status?.epochs ?? config.training?.epochs ?? 0;
  const epoch = run.lastEpoch?.epoch ?? 0;
  const parts = [
    acc !== null ? pct(acc) : null,
    state === 'running' || state === 'remote'
      ? `epoch ${epoch}/${epochs}`
      : state === 'completed'
        ? null
        : state,
  ];
  item.description = parts.filter((p): p is string => p !== null).join(' · ');
  item.iconPath = STATE_ICONS[state] ?? new vscode.ThemeIcon('circle-outline');
  const resumable =
    (state === 'stopped' || state === 'failed' || state === 'stale') && run.checkpoints.length > 0;
  item.contextValue = `mla.run.${state}${resumable ? '.resumable' : ''}`;
  item.id = `run:${run.dir}`;
  item.resourceUri = vscode.Uri.file(run.dir);
  item.tooltip = runTooltip(run);
  item.command = { command: 'mla.openDashboard', title: 'Open Dashboard', arguments: [{ kind: 'run', run }] };
  return item;
}

export function runTooltip(run: RunInfo): vscode.MarkdownString {
  const config = configOf(run);
  const state = displayStateOf(run);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${run.name ?? run.id}** · seed ${run.seed ?? '?'} · ${state}\n\n`);
  const epochs = run.status?.epochs ?? config.training?.epochs ?? 0;
  const rows: [string, string][] = [
    ['method', config.method ?? 'mla'],
    ['backend', config.run?.backend ?? 'unknown'],
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
  if (run.reason) md.appendMarkdown(`\n\n${state === 'completed' ? '' : '⚠ '}${escape(run.reason)}`);
  md.appendMarkdown(`\n\n\`${path.basename(run.dir)}\``);
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
