// How the run explorer arranges a sweep: its trials under one node named after the sweep, one group per
// combination of axis values (its seeds inside), the best combination by the sweep's metric marked, progress
// on the sweep's node, and trials without a run folder yet (queued in Slurm, not started) as their own rows.
// No `vscode` here (tests of the CLI use it without the vscode stand-in); the rows are built in sweepRows.ts.

import * as fs from 'node:fs';
import { describeValue } from '../core/config/jsonText';
import type { RunInfo } from '../core/runs/reader';
import { meanStd } from '../shared/stats';
import type { TrialReport } from '../core/sweep/executors/types';
import { trialRunDir } from '../core/sweep/folder';
import { metricFromSummary } from '../core/sweep/metric';
import type { RunSweepInfo, TrialPlan } from '../core/sweep/types';
import type { ConfigNode } from './runTreeModel';
import type { SweepView } from './sweepStates';

/** A sweep's trial that has no run folder yet. */
export interface TrialNode {
  kind: 'trial';
  trial: TrialPlan;
  report: TrialReport;
  sweep: SweepView;
}

/** The explorer's node name of a sweep (its trials' runs are listed under the same name). */
export function sweepNodeName(sweep: SweepView): string {
  return `${sweep.plan.name} (sweep)`;
}

/**
 * Puts a sweep's state into the tree: its node (made when no trial has a run folder yet), each run's
 * executor report, and a row for every trial without a run folder, in the group of its axis values.
 */
export function addSweepTrials(tree: ConfigNode[], sweep: SweepView): void {
  const name = sweepNodeName(sweep);
  let config = tree.find((c) => c.name === name && !c.sweep);
  if (!config) {
    config = { kind: 'config', name, groups: [] };
    tree.push(config);
  }
  config.sweep = sweep;
  const runDirs = new Set(config.groups.flatMap((g) => g.runs.map((r) => r.dir)));
  for (const trial of sweep.plan.trials) {
    const report = sweep.reports[trial.index];
    if (!report) continue;
    let group = config.groups.find((g) => g.group === trial.group);
    if (!group) {
      group = { kind: 'group', config: name, group: trial.group, runs: [], axes: trial.axes };
      config.groups.push(group);
    }
    const dir = trialRunDir(sweep.plan, trial);
    if (runDirs.has(dir)) (group.tasks ??= new Map()).set(dir, report);
    else (group.trials ??= []).push({ kind: 'trial', trial, report, sweep });
  }
  config.groups.sort((a, b) => b.group.localeCompare(a.group));
  for (const group of config.groups) group.trials?.sort((a, b) => a.trial.seed - b.trial.seed);
}

/**
 * `3/8 done · 2 running · 2 queued · 1 failed`: the sweep node's progress. Queued means waiting in Slurm;
 * a trial nothing is known of (never submitted, cancelled while pending, Slurm not asked) is "not started".
 */
export function progressText(sweep: SweepView): string {
  const c = sweep.counts;
  const queued = sweep.reports.filter((r) => r.state === 'queued').length;
  const notStarted = sweep.reports.filter((r) => r.state === 'pending').length;
  const parts = [`${c.completed}/${c.total} done`];
  if (c.running > 0) parts.push(`${c.running} running`);
  if (queued > 0) parts.push(`${queued} queued`);
  if (notStarted > 0) parts.push(`${notStarted} not started`);
  if (c.stopped > 0) parts.push(`${c.stopped} stopped`);
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  return parts.join(' · ');
}

/** Whether the sweep has Slurm tasks that Stop (scancel) would end. */
export function hasActiveSlurmTasks(sweep: SweepView): boolean {
  return sweep.reports.some((r) => r.slurmTask !== undefined && isActiveTask(r));
}

function isActiveTask(report: TrialReport): boolean {
  return report.state === 'queued' || report.state === 'running';
}

/** What a trial's state says in words: `queued in Slurm (123_4)`, `not started`. */
export function trialStateText(report: TrialReport, slurm = false): string {
  const task = report.slurmTask ? ` (${report.slurmTask})` : '';
  if (report.state === 'queued') return `queued in Slurm${task}`;
  if (report.state === 'running') return `starting in Slurm${task}`;
  // A Slurm sweep's trial without a run folder is queued, unless Slurm was not asked (Restricted Mode).
  if (report.state === 'pending') return slurm ? 'no run folder yet' : 'not started';
  return report.reason ? `${report.state}: ${report.reason}` : report.state;
}

/**
 * The context value suffix of a row whose trial an executor reports: `.slurm` when Stop cancels its Slurm
 * task, `.stderr` when its task's standard error file exists to open.
 */
export function taskContext(report: TrialReport): string {
  const slurm = report.slurmTask !== undefined && isActiveTask(report) ? '.slurm' : '';
  const stderr = report.stderrFile && fs.existsSync(report.stderrFile) ? '.stderr' : '';
  return `${slurm}${stderr}`;
}

/** `run.sweep` of a run's config.json, when the run is a sweep's trial (readers stay tolerant of its absence). */
export function sweepOf(run: RunInfo): RunSweepInfo | null {
  return run.resolved?.run.sweep ?? null;
}

/** `lr=0.01 · mode="off"`: the axis values a group of seeds shares. */
export function axesLabel(sweep: Pick<RunSweepInfo, 'axes'>): string {
  const parts = Object.entries(sweep.axes).map(
    ([key, value]) => `${key.split(/[./]/).pop()}=${describeValue(value)}`,
  );
  return parts.length > 0 ? parts.join(' · ') : 'base config';
}

/** Index of the group with the best mean metric over its completed runs; null when none has completed. */
export function bestGroupIndex(groups: RunInfo[][]): number | null {
  let best: { index: number; mean: number } | null = null;
  groups.forEach((runs, index) => {
    const values = runs
      .filter((r) => r.status?.state === 'completed')
      .map((r) => metricFromSummary(r.summary, sweepOf(r)?.metric ?? 'val.fused'))
      .filter((v): v is number => v !== null);
    if (values.length === 0) return;
    const { mean } = meanStd(values);
    if (best === null || mean > best.mean) best = { index, mean };
  });
  return best === null ? null : (best as { index: number }).index;
}
