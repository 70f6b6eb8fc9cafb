// The run explorer's rows of a sweep (the arrangement is sweepTree.ts): the sweep's node with its progress,
// a trial that has no run folder yet, and what an executor adds to a trial's tooltip.

import * as vscode from 'vscode';
import type { TrialReport } from '../core/sweep/executors/types';
import { trialRunDir } from '../core/sweep/folder';
import type { ConfigNode } from './runTreeModel';
import {
  axesLabel,
  hasActiveSlurmTasks,
  progressText,
  taskContext,
  trialStateText,
  type TrialNode,
} from './sweepTree';

export function sweepNodeItem(node: ConfigNode): vscode.TreeItem {
  const sweep = node.sweep!;
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
  item.description = progressText(sweep);
  const active = sweep.counts.running > 0 || sweep.reports.some((r) => r.state === 'queued');
  item.iconPath = new vscode.ThemeIcon(active ? 'sync~spin' : 'beaker');
  // `.slurm`: Stop (scancel every task of the sweep) applies.
  item.contextValue = `mla.config.sweep${hasActiveSlurmTasks(sweep) ? '.slurm' : ''}`;
  // By plan file: two runs folders may each hold a sweep of the same name.
  item.id = `sweep:${sweep.planFile}`;
  item.tooltip = `${sweep.plan.sweepFile}\n${sweep.slurm ? 'Slurm' : 'local'} sweep, metric ${sweep.plan.metric}: ${progressText(sweep)}`;
  item.accessibilityInformation = {
    label: `sweep ${sweep.plan.name}, ${item.description}`,
    role: 'treeitem',
  };
  return item;
}

const TRIAL_ICONS: Record<string, vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.blue')),
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  stopped: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow')),
  pending: new vscode.ThemeIcon('circle-outline'),
};

export function trialItem(node: TrialNode): vscode.TreeItem {
  const { trial, report } = node;
  const item = new vscode.TreeItem(`seed ${trial.seed}`, vscode.TreeItemCollapsibleState.None);
  item.description = trialStateText(report, node.sweep.slurm);
  item.iconPath = TRIAL_ICONS[report.state] ?? new vscode.ThemeIcon('circle-outline');
  item.contextValue = `mla.trial.${report.state}${taskContext(report)}`;
  item.id = `trial:${trialRunDir(node.sweep.plan, trial)}`;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(
    `**${escapeMarkdown(node.sweep.plan.name)}** · trial ${trial.index} · seed ${trial.seed}\n\n`,
  );
  md.appendMarkdown(escapeMarkdown(`${axesLabel(trial)} · ${trialStateText(report, node.sweep.slurm)}`));
  item.tooltip = md;
  taskTooltip(md, report);
  item.accessibilityInformation = {
    label: `sweep ${node.sweep.plan.name}, trial ${trial.index}, seed ${trial.seed}, ${trialStateText(report, node.sweep.slurm)}`,
    role: 'treeitem',
  };
  return item;
}

/** Adds the executor's reason and the stderr file of a failed or stopped task to a row's tooltip. */
export function taskTooltip(md: vscode.MarkdownString, report: TrialReport): void {
  if (!report.reason && !report.stderrFile) return;
  const lines: string[] = [];
  if (report.reason) lines.push(`⚠ ${escapeMarkdown(report.reason)}`);
  if (report.stderrFile) lines.push(`stderr: \`${report.stderrFile.replace(/`/g, "'")}\``);
  md.appendMarkdown(`\n\n${lines.join('  \n')}`);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}
