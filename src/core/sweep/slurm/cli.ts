// The Slurm commands a sweep uses (sbatch, squeue, scancel, scontrol) and the parsing of what they print.
// Finished tasks leave squeue after MinJobAge; the job completion log (jobcomp/filetxt) keeps them where a
// cluster writes one, and sacct where it has an accounting database (often not), so each is read if there.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

export interface SlurmTask {
  jobId: string;
  index: number;
  state: string;
  reason: string;
  exitCode?: string;
}

/** Tasks of these states will still run or are running: the sweep is not over while one is left. */
export const ACTIVE_STATES = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
]);

export function runSlurm(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        const why =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'not found on PATH (is Slurm installed?)'
            : stderr.trim() || error.message;
        reject(new Error(`${command}: ${why}`));
      } else resolve(stdout);
    });
  });
}

/** `sbatch --parsable` prints `jobid` or `jobid;cluster`. */
export function parseSbatchJobId(stdout: string): string {
  const id = stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch: expected a job id, found "${stdout.trim()}"`);
  return id;
}

export const SQUEUE_FORMAT = '%F|%K|%T|%r';

/** Lines of `squeue -h -r -t all -o '%F|%K|%T|%r'`: array job id, task index, state, reason. */
export function parseSqueue(stdout: string): SlurmTask[] {
  const out: SlurmTask[] = [];
  for (const line of stdout.split('\n')) {
    const [jobId, index, state, reason] = line.trim().split('|');
    if (!jobId || !/^\d+$/.test(index ?? '')) continue;
    out.push({ jobId, index: Number(index), state, reason: reason ?? '' });
  }
  return out;
}

/** One `key=value …` line per ended job; array tasks carry `ArrayJobId=` and `ArrayTaskId=`. */
export function parseJobComp(text: string, jobIds: Set<string>): SlurmTask[] {
  const out: SlurmTask[] = [];
  for (const line of text.split('\n')) {
    const fields = new Map<string, string>();
    for (const m of line.matchAll(/(\w+)=(\S*)/g)) fields.set(m[1], m[2]);
    const jobId = fields.get('ArrayJobId');
    const index = fields.get('ArrayTaskId');
    if (!jobId || !jobIds.has(jobId) || !/^\d+$/.test(index ?? '')) continue;
    out.push({
      jobId,
      index: Number(index),
      state: fields.get('JobState') ?? 'UNKNOWN',
      reason: '',
      exitCode: fields.get('ExitCode'),
    });
  }
  return out;
}

export async function squeueTasks(jobIds: string[]): Promise<SlurmTask[]> {
  if (jobIds.length === 0) return [];
  try {
    return parseSqueue(
      await runSlurm('squeue', ['-h', '-r', '-t', 'all', '-j', jobIds.join(','), '-o', SQUEUE_FORMAT]),
    );
  } catch (error) {
    // squeue refuses the whole query once one of the ids has aged out of the controller ("Invalid job id").
    if (!/Invalid job id/i.test((error as Error).message)) throw error;
    const each = await Promise.all(jobIds.map((id) => squeueTasks1(id)));
    return each.flat();
  }
}

async function squeueTasks1(jobId: string): Promise<SlurmTask[]> {
  try {
    return parseSqueue(await runSlurm('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', SQUEUE_FORMAT]));
  } catch {
    return [];
  }
}

/** The job completion log, when the cluster writes one to a file (JobCompType=jobcomp/filetxt). */
export async function jobCompTasks(jobIds: string[]): Promise<SlurmTask[]> {
  if (jobIds.length === 0) return [];
  let config: string;
  try {
    config = await runSlurm('scontrol', ['show', 'config']);
  } catch {
    return [];
  }
  const type = /^JobCompType\s*=\s*(\S+)/m.exec(config)?.[1];
  const loc = /^JobCompLoc\s*=\s*(\S+)/m.exec(config)?.[1];
  if (type !== 'jobcomp/filetxt' || !loc) return [];
  try {
    return parseJobComp(fs.readFileSync(loc, 'utf8'), new Set(jobIds));
  } catch {
    return [];
  }
}

export const SACCT_FORMAT = 'JobID,State,ExitCode';

/**
 * Lines of `sacct -n -P -X -j … -o JobID,State,ExitCode`: array tasks are `<job>_<task>`; a pending array's
 * summary line (`<job>_[4-7]`) is skipped; a state may carry who did it (`CANCELLED by 1000`).
 */
export function parseSacct(stdout: string, jobIds: Set<string>): SlurmTask[] {
  const out: SlurmTask[] = [];
  for (const line of stdout.split('\n')) {
    const [id, state, exitCode] = line.trim().split('|');
    const m = /^(\d+)_(\d+)$/.exec(id ?? '');
    if (!m || !jobIds.has(m[1]) || !state) continue;
    out.push({
      jobId: m[1],
      index: Number(m[2]),
      state: state.split(' ')[0],
      reason: '',
      ...(exitCode ? { exitCode } : {}),
    });
  }
  return out;
}

/** Ended tasks from the accounting database; none where the cluster keeps none (sacct then exits 1). */
export async function sacctTasks(jobIds: string[]): Promise<SlurmTask[]> {
  if (jobIds.length === 0) return [];
  try {
    const stdout = await runSlurm('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', SACCT_FORMAT]);
    return parseSacct(stdout, new Set(jobIds));
  } catch {
    return [];
  }
}
