// The text of the one `sbatch` script a sweep submits: an array job whose task N runs trial N of the plan
// (`mla sweep-task`), with the sweep's partition, time, memory, GPUs, extra #SBATCH lines and setup preamble.

import { FLAGGED_MAJORS_LIST, RELAXED_SIMD_FLAG } from '../../backend/relaxed-simd-flags';
import { THREADS_ENV } from '../../backend/threads';
import type { SlurmOptions } from '../types';

export interface ScriptInput {
  jobName: string;
  /** Trial indices to run (the array's task ids). */
  indices: number[];
  /** The `%P` of `--array=…%P`; null: no limit. */
  maxParallel: number | null;
  slurm: SlurmOptions;
  /** Folder for the tasks' stdout/stderr (`%A_%a.out` / `.err`). */
  logDir: string;
  node: string;
  entry: string;
  planFile: string;
}

/** `[0,1,2,5,7,8]` → `0-2,5,7-8`. */
export function arrayRanges(indices: number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Single-quoted for bash: safe for any path. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function sbatchScript(input: ScriptInput): string {
  const s = input.slurm;
  const limit = input.maxParallel !== null ? `%${input.maxParallel}` : '';
  const directives = [
    `--job-name=${input.jobName}`,
    `--array=${arrayRanges(input.indices)}${limit}`,
    `--output=${input.logDir}/%A_%a.out`,
    `--error=${input.logDir}/%A_%a.err`,
    // A preempted or requeued task runs again and resumes its trial from the checkpoint.
    '--requeue',
    '--open-mode=append',
    `--cpus-per-task=${s.cpusPerTask ?? 1}`,
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.time ? [`--time=${s.time}`] : []),
    ...(s.mem ? [`--mem=${s.mem}`] : []),
    ...(s.gpus !== undefined && s.gpus > 0 ? [`--gpus=${s.gpus}`] : []),
    ...(s.sbatch ?? []),
  ];
  return [
    '#!/bin/bash',
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'set -e',
    ...(s.setup && s.setup.length > 0 ? ['# setup (from the sweep file)', ...s.setup, ''] : []),
    ...taskPreamble(input.node),
    '# exec: Slurm signals the trainer itself on scancel or requeue, and it checkpoints before it ends.',
    `exec "$node" $flags ${shellQuote(input.entry)} sweep-task ${shellQuote(input.planFile)} "$SLURM_ARRAY_TASK_ID" --quiet`,
    '',
  ].join('\n');
}

/**
 * The task's Node.js (MLA_NODE on the compute node, else the submitter's) and its flags: the relaxed-SIMD flag
 * where that Node's major needs it (backend/relaxed-simd-flags.ts; the compute node's Node may differ from the
 * submitter's, so it is asked there), and the task's CPUs as its kernel threads.
 */
function taskPreamble(submitterNode: string): string[] {
  const majors = FLAGGED_MAJORS_LIST.join('|');
  return [
    `node="\${MLA_NODE:-${submitterNode}}"`,
    'flags=""',
    `case "$("$node" -p 'process.versions.node.split(".")[0]')" in ${majors}) flags=${RELAXED_SIMD_FLAG} ;; esac`,
    `export ${THREADS_ENV}="\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ];
}
