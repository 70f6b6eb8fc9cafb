// `mla sweep FILE`: expand and validate the sweep (nothing starts unless every trial's config is valid), write
// its plan, then run the trials that have not completed on the chosen executor. Re-running the same sweep
// skips completed trials and resumes stopped ones.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../core/config/format';
import { describeValue } from '../../core/config/jsonText';
import { defaultRunsDir } from '../../core/runs/paths';
import { ensureWritableRunsDir } from '../../core/runs/runs-dir';
import { LocalExecutor } from '../../core/sweep/executors/local';
import { SlurmExecutor } from '../../core/sweep/executors/slurm';
import type { SweepCounts, SweepExecutor, TrialReport } from '../../core/sweep/executors/types';
import { trialRunDir, writePlan } from '../../core/sweep/folder';
import { metricOf } from '../../core/sweep/metric';
import { planSweep } from '../../core/sweep/plan';
import { withSlurmDefaults } from '../../core/sweep/slurm/defaults';
import { trialAction } from '../../core/sweep/trialState';
import type { SlurmOptions, SweepPlan } from '../../core/sweep/types';
import { encodeSweepEvent, type SweepEvent } from '../../protocol/sweepEvents';
import { readConfigText, UsageError } from '../args';
import { SWEEP_HELP } from '../usage';

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      executor: { type: 'string', default: 'local' },
      'dry-run': { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      stop: { type: 'boolean', default: false },
      'runs-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      partition: { type: 'string' },
      time: { type: 'string' },
      mem: { type: 'string' },
      gpus: { type: 'string' },
      sbatch: { type: 'string', multiple: true },
      setup: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one sweep file: mla sweep <file.sweep.json>');
  if (values.executor !== 'local' && values.executor !== 'slurm') {
    throw new UsageError(`--executor: expected local or slurm, found "${values.executor}"`);
  }
  const sweepFile = path.resolve(positionals[0]);
  const runsDir =
    values['runs-dir'] !== undefined ? path.resolve(values['runs-dir']) : defaultRunsDir(sweepFile);
  const { plan, diagnostics } = await planSweep(readConfigText(sweepFile), sweepFile, runsDir);
  for (const d of diagnostics) process.stderr.write(formatDiagnostic(d.file, d) + '\n');
  if (!plan) return 2;
  plan.slurm = withSlurmDefaults(plan.slurm, slurmFlags(values));

  const todo = plan.trials.filter((t) => trialAction(trialRunDir(plan, t), false) !== 'skip-completed');
  if (values['dry-run']) {
    printDryRun(plan, todo.length);
    return 0;
  }
  ensureWritableRunsDir(runsDir);
  const task = { node: process.execPath, entry: path.resolve(process.argv[1]) };
  const executor: SweepExecutor =
    values.executor === 'slurm' ? new SlurmExecutor(task) : new LocalExecutor(task);
  if (values.stop) {
    await executor.stop(plan);
    process.stderr.write(`sweep ${plan.sweepId}: stop requested\n`);
    return 0;
  }
  const planFile = writePlan(plan);
  const say = (line: string, event: SweepEvent) =>
    values.json ? process.stdout.write(encodeSweepEvent(event)) : process.stderr.write(line + '\n');
  say(
    `sweep ${plan.sweepId}: ${plan.trials.length} trials, ${plan.trials.length - todo.length} already completed, ${todo.length} to run (${executor.name}); plan ${planFile}`,
    {
      type: 'sweep-started',
      sweepId: plan.sweepId,
      planFile,
      total: plan.trials.length,
      toRun: todo.length,
      executor: executor.name,
    },
  );

  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    say(`${signal}: stopping every trial (each writes a checkpoint; re-run the sweep to resume)`, {
      type: 'sweep-stopping',
    });
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let last = '';
  const wait = executor.name === 'local' || values.wait;
  try {
    const reports = await executor.execute(
      plan,
      planFile,
      todo.map((t) => t.index),
      {
        wait,
        signal: abort.signal,
        onProgress: (c) => {
          const line = progressLine(plan, c);
          if (line === last) return;
          last = line;
          say(line, { type: 'sweep-progress', sweepId: plan.sweepId, ...c });
        },
      },
    );
    printFailures(plan, reports, say);
    if (!wait) {
      say(
        `sweep ${plan.sweepId}: submitted; "mla sweep ${positionals[0]} --executor slurm --wait" follows it`,
        { type: 'sweep-submitted', sweepId: plan.sweepId },
      );
      return 0;
    }
    const best = bestTrial(plan, reports);
    if (best)
      say(`best: trial ${best.index} (${plan.trials[best.index].runId}) ${plan.metric} = ${best.value}`, {
        type: 'sweep-best',
        ...best,
      });
    return reports.every((r) => r.state === 'completed') ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The Slurm flags given on the command line: defaults for what the sweep file's `slurm` leaves out. */
function slurmFlags(values: {
  partition?: string;
  time?: string;
  mem?: string;
  gpus?: string;
  sbatch?: string[];
  setup?: string[];
}): SlurmOptions {
  const out: SlurmOptions = {};
  if (values.partition) out.partition = values.partition;
  if (values.time) out.time = values.time;
  if (values.mem) out.mem = values.mem;
  if (values.gpus !== undefined) {
    if (!/^\d+$/.test(values.gpus))
      throw new UsageError(`--gpus: expected a whole number of GPUs per task, found "${values.gpus}"`);
    out.gpus = Number(values.gpus);
  }
  if (values.sbatch) out.sbatch = values.sbatch;
  if (values.setup) out.setup = values.setup;
  return out;
}

function progressLine(plan: SweepPlan, c: SweepCounts): string {
  return `sweep ${plan.sweepId}: ${c.completed}/${c.total} completed, ${c.running} running, ${c.queued} queued, ${c.stopped} stopped, ${c.failed} failed`;
}

function printDryRun(plan: SweepPlan, toRun: number): void {
  for (const t of plan.trials) {
    const axes = Object.entries(t.axes)
      .map(([k, v]) => `${k}=${describeValue(v)}`)
      .join(' ');
    process.stdout.write(`trial ${t.index} ${t.runId} seed ${t.seed}${axes ? ' ' + axes : ''}\n`);
    process.stdout.write(JSON.stringify(t.config, null, 2).replace(/^/gm, '  ') + '\n');
  }
  const combos = new Set(plan.trials.map((t) => t.group)).size;
  const seeds = new Set(plan.trials.map((t) => t.seed)).size;
  process.stdout.write(
    `${plan.trials.length} trials (${combos} combinations × ${seeds} seeds): ${plan.trials.length - toRun} completed, ${toRun} to run\n`,
  );
}

function printFailures(
  plan: SweepPlan,
  reports: TrialReport[],
  say: (line: string, event: SweepEvent) => void,
): void {
  for (const r of reports) {
    if (r.state !== 'failed') continue;
    const t = plan.trials[r.index];
    const runDir = trialRunDir(plan, t);
    const folder = fs.existsSync(runDir) ? `; run folder ${runDir}` : '; it never started training';
    say(
      `trial ${r.index} (${t.runId}) failed${r.reason ? `: ${r.reason}` : ''}${r.stderrFile ? `; stderr: ${r.stderrFile}` : ''}${folder}`,
      {
        type: 'sweep-trial-failed',
        ...r,
      },
    );
  }
}

/** The completed trial with the highest metric (a dotted path into summary.json). */
export function bestTrial(plan: SweepPlan, reports: TrialReport[]): { index: number; value: number } | null {
  let best: { index: number; value: number } | null = null;
  for (const r of reports) {
    if (r.state !== 'completed') continue;
    const value = metricOf(trialRunDir(plan, plan.trials[r.index]), plan.metric);
    if (value !== null && (best === null || value > best.value)) best = { index: r.index, value };
  }
  return best;
}
