// The state of every trial of every sweep the workspace's runs folders hold, for the run explorer: trials
// with no run folder yet (queued in Slurm, or not started), and for Slurm sweeps what squeue and the job
// completion log say. Slurm is asked only in a trusted workspace (it spawns processes), only while a sweep has
// tasks queued or running, and at a modest rate; everything else comes from the run folders.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { countStates, type SweepCounts, type TrialReport } from '../core/sweep/executors/types';
import { readPlan } from '../core/sweep/folder';
import {
  folderReport,
  isSlurmSweep,
  jobRecordsStamp,
  listSweepPlans,
  sweepReport,
} from '../core/sweep/sweeps';
import type { SweepPlan } from '../core/sweep/types';
import { allRunsDirs } from './settings';

/** A cluster's scheduler is shared: ask it every 15 s at most, as clusters ask of their users. */
const SLURM_POLL_MS = 15_000;
/** Run folders change every second while trials train; the sweep rows follow at most this often. */
const SOON_MS = 1000;

export interface SweepView {
  planFile: string;
  plan: SweepPlan;
  /** Submitted to Slurm at least once. */
  slurm: boolean;
  /** One per trial of the plan, in plan order. */
  reports: TrialReport[];
  counts: SweepCounts;
}

interface Cached {
  mtimeMs: number;
  plan: SweepPlan;
  /** Slurm's last answer and the job records' stamp it was asked with. */
  slurm?: { reports: TrialReport[]; stamp: number };
}

export class SweepStates implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, Cached>();
  private views: SweepView[] = [];
  private readonly timer: NodeJS.Timeout;
  private refreshing: Promise<void> | null = null;
  private again: boolean | null = null;
  private readonly trust: vscode.Disposable;
  private soon: NodeJS.Timeout | undefined;

  constructor(
    private readonly runsDirs: () => string[] = allRunsDirs,
    pollMs = SLURM_POLL_MS,
  ) {
    this.timer = setInterval(() => {
      if (this.hasActiveSlurmTasks()) void this.refresh(true);
    }, pollMs);
    this.trust = vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh(true));
  }

  get all(): readonly SweepView[] {
    return this.views;
  }

  /** The sweep a run folder's `run.sweep` names, found by its runs folder and id. */
  find(runsDir: string, sweepId: string): SweepView | undefined {
    return this.views.find((v) => v.plan.runsDir === runsDir && v.plan.sweepId === sweepId);
  }

  /**
   * Reads the plans and trial states again. `querySlurm`: also ask Slurm about every Slurm sweep (in a
   * trusted workspace); otherwise only sweeps whose job records changed since Slurm was last asked.
   */
  refresh(querySlurm = false): Promise<void> {
    if (this.refreshing) {
      this.again = (this.again ?? false) || querySlurm;
      return this.refreshing;
    }
    this.refreshing = this.read(querySlurm).finally(() => {
      this.refreshing = null;
      const again = this.again;
      this.again = null;
      if (again !== null) void this.refresh(again);
    });
    return this.refreshing;
  }

  /** A refresh from the run folders within a second; a burst of run changes costs one. */
  refreshSoon(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.refresh(false);
    }, SOON_MS);
  }

  dispose(): void {
    clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.trust.dispose();
    this.changed.dispose();
  }

  private hasActiveSlurmTasks(): boolean {
    return this.views.some(
      (v) => v.slurm && v.reports.some((r) => r.state === 'queued' || r.state === 'running'),
    );
  }

  private async read(querySlurm: boolean): Promise<void> {
    const files = [...new Set(this.runsDirs())].flatMap(listSweepPlans);
    for (const file of this.cache.keys()) if (!files.includes(file)) this.cache.delete(file);
    const views: SweepView[] = [];
    for (const file of files) {
      const cached = this.load(file);
      if (!cached) continue;
      const slurm = isSlurmSweep(cached.plan);
      let reports = folderReport(cached.plan);
      if (slurm) {
        const stamp = jobRecordsStamp(cached.plan);
        const ask = vscode.workspace.isTrusted && (querySlurm || cached.slurm?.stamp !== stamp);
        if (ask) {
          try {
            cached.slurm = { reports: await sweepReport(cached.plan, true), stamp };
          } catch {
            // Slurm unreachable (not on this host, controller down): the run folders still say a lot, and
            // Slurm is asked again on Refresh or a new submission, not on every change of a run folder.
            cached.slurm = { reports: [], stamp };
          }
        }
        if (cached.slurm) reports = overlay(reports, cached.slurm.reports);
      }
      views.push({ planFile: file, plan: cached.plan, slurm, reports, counts: countStates(reports) });
    }
    this.views = views;
    this.changed.fire();
  }

  /** The plan, read again only when its file changed (a plan holds every trial's whole config). */
  private load(file: string): Cached | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    try {
      const fresh: Cached = { mtimeMs, plan: readPlan(file), slurm: cached?.slurm };
      this.cache.set(file, fresh);
      return fresh;
    } catch {
      return undefined;
    }
  }
}

/**
 * Slurm's last answer over the run folders now: a folder that completed or started running since wins;
 * otherwise Slurm knows more (queued before the folder exists, a requeued task, the exit reason).
 */
export function overlay(folders: TrialReport[], slurm: TrialReport[]): TrialReport[] {
  return folders.map((folder, i) => {
    const task = slurm[i];
    if (!task || task.index !== folder.index) return folder;
    if (folder.state === 'completed') return { ...folder, slurmTask: task.slurmTask };
    if (task.state === 'queued' && folder.state === 'running') return { ...task, state: 'running' };
    if (task.state === 'queued' || task.state === 'running' || task.reason) return task;
    return { ...folder, slurmTask: task.slurmTask };
  });
}
