// The sweep's own folder, `<runs>/.sweeps/<sweep id>/` (hidden, so run listings skip it): the plan every
// trial is started from, executor records (Slurm job ids, scripts, task output) and earlier attempts of
// trials that had to start over.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile, writeJsonAtomic } from '../runs/atomic';
import type { SweepPlan, TrialPlan } from './types';

export function sweepDir(runsDir: string, sweepId: string): string {
  return path.join(runsDir, '.sweeps', sweepId);
}

export function planFile(runsDir: string, sweepId: string): string {
  return path.join(sweepDir(runsDir, sweepId), 'plan.json');
}

export function trialRunDir(plan: SweepPlan, trial: TrialPlan): string {
  return path.join(plan.runsDir, trial.runId);
}

/**
 * Writes `plan.json`, the current expansion. Trial numbers may change when the sweep file does (run folders are
 * found by trial id, not number); a Slurm job runs its own snapshot, taken when it was submitted.
 */
export function writePlan(plan: SweepPlan): string {
  const file = planFile(plan.runsDir, plan.sweepId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeJsonAtomic(file, plan);
  return file;
}

export function readPlan(file: string): SweepPlan {
  const plan = readJsonFile(file) as SweepPlan;
  if (plan?.version !== 1 || !Array.isArray(plan.trials)) {
    throw new Error(`${file}: expected a sweep plan (version 1, with "trials"), written by "mla sweep"`);
  }
  return plan;
}
