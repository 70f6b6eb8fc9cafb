// The sweeps a runs folder holds (`.sweeps/<id>/plan.json`) and what each trial's state is, read without
// starting anything: run folders for local sweeps, plus Slurm's queue for sweeps submitted as array jobs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrialReport } from './executors/types';
import { readJobRecords, slurmDir, slurmReport } from './executors/slurm';
import { trialRunDir } from './folder';
import { trialStateOf } from './trialState';
import type { SweepPlan } from './types';

/** The plan files of every sweep under `runsDir`; none when the folder or its `.sweeps` is missing. */
export function listSweepPlans(runsDir: string): string[] {
  const root = path.join(runsDir, '.sweeps');
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names
    .map((name) => path.join(root, name, 'plan.json'))
    .filter((file) => fs.existsSync(file))
    .sort();
}

/** Whether the sweep was ever submitted to Slurm (its job records exist). */
export function isSlurmSweep(plan: SweepPlan): boolean {
  return fs.existsSync(path.join(slurmDir(plan), 'jobs.json'));
}

/** Modification time of the sweep's Slurm job records (0 when none): a new submission changes it. */
export function jobRecordsStamp(plan: SweepPlan): number {
  try {
    return fs.statSync(path.join(slurmDir(plan), 'jobs.json')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Every trial's state as its run folder says (`pending` before it has one); spawns nothing. */
export function folderReport(plan: SweepPlan): TrialReport[] {
  return plan.trials.map((t) => ({ index: t.index, state: trialStateOf(trialRunDir(plan, t)) }));
}

/** Slurm's view when `querySlurm` (it runs squeue and scontrol), else the run folders'. */
export async function sweepReport(plan: SweepPlan, querySlurm: boolean): Promise<TrialReport[]> {
  return querySlurm && isSlurmSweep(plan) ? slurmReport(plan) : folderReport(plan);
}

/** The job ids a sweep submitted: scancel of all of them stops the whole sweep. */
export function sweepJobIds(plan: SweepPlan): string[] {
  return readJobRecords(plan).map((j) => j.jobId);
}
