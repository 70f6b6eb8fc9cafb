// The one interface every sweep executor implements (local processes, Slurm array jobs). An executor runs
// `mla sweep-task <plan> <index>` for the trials it is given; the run folders say how each trial went.

import type { SweepPlan, TrialState } from '../types';

export interface TrialReport {
  index: number;
  state: TrialState;
  /** Why a failed trial failed, as the executor saw it (e.g. Slurm's state and exit code). */
  reason?: string;
  /** Where the trial's task wrote its standard error. */
  stderrFile?: string;
  /** The Slurm array task that runs (or last ran) the trial, `<job id>_<task id>`: what scancel takes. */
  slurmTask?: string;
}

export interface SweepCounts {
  total: number;
  completed: number;
  running: number;
  queued: number;
  stopped: number;
  failed: number;
}

export interface ExecuteOptions {
  /** Local executors always wait; Slurm returns after submitting unless this is true. */
  wait: boolean;
  onProgress(counts: SweepCounts): void;
  /** Aborting stops every running trial (each writes a checkpoint and ends "stopped"). */
  signal: AbortSignal;
}

export interface SweepExecutor {
  readonly name: 'local' | 'slurm';
  /** Runs (or submits) the trials at `indices`; returns what it can say of every trial of the plan. */
  execute(
    plan: SweepPlan,
    planFile: string,
    indices: number[],
    options: ExecuteOptions,
  ): Promise<TrialReport[]>;
  /** Every trial's state as the run folders and the executor see it now. */
  report(plan: SweepPlan): Promise<TrialReport[]>;
  /** Stops the sweep's running and queued trials. */
  stop(plan: SweepPlan): Promise<void>;
}

export function countStates(reports: TrialReport[]): SweepCounts {
  const counts: SweepCounts = {
    total: reports.length,
    completed: 0,
    running: 0,
    queued: 0,
    stopped: 0,
    failed: 0,
  };
  for (const r of reports) {
    if (r.state === 'pending' || r.state === 'queued') counts.queued++;
    else counts[r.state]++;
  }
  return counts;
}

/** The command line of one trial: the same `mla` that runs the sweep, on the same Node. */
export interface TaskCommand {
  node: string;
  entry: string;
}
