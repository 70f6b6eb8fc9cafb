// Runs a sweep as one Slurm array job: task N runs trial N (`mla sweep-task`) into the shared runs folder.
// The job ids go to the sweep's folder; states come from squeue (and the job completion log once tasks age
// out of it), overlaid on what the run folders say. Stop is scancel; a requeued task resumes its checkpoint.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readJsonFile, writeJsonAtomic } from '../../runs/atomic';
import { sweepDir, trialRunDir } from '../folder';
import {
  ACTIVE_STATES,
  jobCompTasks,
  parseSbatchJobId,
  runSlurm,
  sacctTasks,
  squeueTasks,
  type SlurmTask,
} from '../slurm/cli';
import { sbatchScript } from '../slurm/script';
import { trialStateOf } from '../trialState';
import type { SweepPlan } from '../types';
import {
  countStates,
  type ExecuteOptions,
  type SweepExecutor,
  type TaskCommand,
  type TrialReport,
} from './types';

export interface SlurmJobRecord {
  jobId: string;
  /** The array's task ids: indices into the plan snapshot the job runs. */
  indices: number[];
  /** The trial each task runs (same order as `indices`): a later plan may number its trials differently. */
  trialIds: string[];
  /** The plan as it was at submission: editing the sweep file never changes what a queued task runs. */
  planFile: string;
  script: string;
  submittedAt: string;
}

/** How often `--wait` asks squeue (a cheap query; clusters ask users not to poll much faster). */
const POLL_MS = 2000;

export function slurmDir(plan: SweepPlan): string {
  return path.join(sweepDir(plan.runsDir, plan.sweepId), 'slurm');
}

export function readJobRecords(plan: SweepPlan): SlurmJobRecord[] {
  const file = path.join(slurmDir(plan), 'jobs.json');
  return fs.existsSync(file) ? (readJsonFile(file) as SlurmJobRecord[]) : [];
}

/** Which trial a Slurm task ran, by the record of its job; undefined for a task no record knows. */
function taskTrials(jobs: SlurmJobRecord[]): (task: SlurmTask) => string | undefined {
  const byTask = new Map<string, string>();
  for (const job of jobs)
    job.indices.forEach((index, i) => byTask.set(`${job.jobId}_${index}`, job.trialIds[i]));
  return (task) => byTask.get(`${task.jobId}_${task.index}`);
}

export class SlurmExecutor implements SweepExecutor {
  readonly name = 'slurm';

  constructor(private readonly task: TaskCommand) {}

  /** Tasks run a snapshot of the plan taken at submission (see `submit`), not `_planFile`, which may change. */
  async execute(
    plan: SweepPlan,
    _planFile: string,
    indices: number[],
    options: ExecuteOptions,
  ): Promise<TrialReport[]> {
    const jobs = readJobRecords(plan);
    const trialOf = taskTrials(jobs);
    const active = new Set(
      (await squeueTasks(jobs.map((j) => j.jobId)))
        .filter((t) => ACTIVE_STATES.has(t.state))
        .map((t) => trialOf(t)),
    );
    const toSubmit = indices.filter((i) => !active.has(plan.trials[i].trialId));
    if (toSubmit.length > 0) jobs.push(await this.submit(plan, toSubmit, jobs.length));
    if (!options.wait) return this.report(plan);
    let stopping = false;
    for (;;) {
      if (options.signal.aborted && !stopping) {
        stopping = true;
        await this.stop(plan);
      }
      const reports = await this.report(plan);
      options.onProgress(countStates(reports));
      if (!reports.some((r) => r.state === 'queued' || r.state === 'running')) return reports;
      await sleep(POLL_MS);
    }
  }

  report(plan: SweepPlan): Promise<TrialReport[]> {
    return slurmReport(plan);
  }

  async stop(plan: SweepPlan): Promise<void> {
    const ids = readJobRecords(plan).map((j) => j.jobId);
    if (ids.length > 0) await runSlurm('scancel', ids);
  }

  private async submit(plan: SweepPlan, indices: number[], n: number): Promise<SlurmJobRecord> {
    const dir = slurmDir(plan);
    fs.mkdirSync(dir, { recursive: true });
    const script = path.join(dir, `submit-${n + 1}.sbatch`);
    const snapshot = path.join(dir, `plan-${n + 1}.json`);
    writeJsonAtomic(snapshot, plan);
    const text = sbatchScript({
      jobName: `mla-${plan.sweepId}`,
      indices,
      maxParallel: plan.maxParallel,
      slurm: plan.slurm,
      logDir: dir,
      node: this.task.node,
      entry: this.task.entry,
      planFile: snapshot,
    });
    fs.writeFileSync(script, text);
    const jobId = parseSbatchJobId(await runSlurm('sbatch', ['--parsable', script]));
    const record: SlurmJobRecord = {
      jobId,
      indices,
      trialIds: indices.map((i) => plan.trials[i].trialId),
      planFile: snapshot,
      script,
      submittedAt: new Date().toISOString(),
    };
    writeJsonAtomic(path.join(dir, 'jobs.json'), [...readJobRecords(plan), record]);
    return record;
  }
}

/** Every trial's state: its run folder's, overlaid with what squeue and the job completion log say of its task. */
export async function slurmReport(plan: SweepPlan): Promise<TrialReport[]> {
  const jobs = readJobRecords(plan);
  const ids = jobs.map((j) => j.jobId);
  const [queue, logged, accounted] = await Promise.all([
    squeueTasks(ids),
    jobCompTasks(ids),
    sacctTasks(ids),
  ]);
  // The completion log lists every run of a task; sacct only its latest: sacct's line, read last, decides.
  const ended = [...logged, ...accounted];
  // The newest job that holds a trial decides; within a job squeue (live) wins over the completion log.
  const order = new Map(ids.map((id, i) => [id, i]));
  const latest = new Map<string, SlurmTask>();
  const trialOf = taskTrials(jobs);
  // squeue has no exit codes: take them from the completion log's line of the same task.
  const exitCodes = new Map(ended.map((t) => [`${t.jobId}_${t.index}`, t.exitCode]));
  for (const t of [
    ...ended,
    ...queue.map((q) => ({ ...q, exitCode: exitCodes.get(`${q.jobId}_${q.index}`) })),
  ]) {
    const trialId = trialOf(t);
    if (trialId === undefined) continue;
    const seen = latest.get(trialId);
    if (!seen || order.get(t.jobId)! >= order.get(seen.jobId)!) latest.set(trialId, t);
  }
  return plan.trials.map((trial): TrialReport => {
    const folder = trialStateOf(trialRunDir(plan, trial));
    const task = latest.get(trial.trialId);
    if (folder === 'completed' || !task) return { index: trial.index, state: folder };
    const slurmTask = `${task.jobId}_${task.index}`;
    if (ACTIVE_STATES.has(task.state)) {
      const queued = task.state === 'PENDING' || task.state.startsWith('REQUEUE');
      return { index: trial.index, state: queued ? 'queued' : 'running', slurmTask };
    }
    if (task.state === 'COMPLETED' && folder !== 'running')
      return { index: trial.index, state: folder, slurmTask };
    const exit = task.exitCode ? `, exit code ${task.exitCode}` : '';
    const why = task.reason && task.reason !== 'None' ? `: ${task.reason}` : '';
    return {
      index: trial.index,
      state: folder === 'stopped' ? 'stopped' : 'failed',
      reason: `Slurm ${task.state}${exit}${why}`,
      stderrFile: path.join(slurmDir(plan), `${slurmTask}.err`),
      slurmTask,
    };
  });
}
