// `mla sweep-task <plan.json> <index>`: what an executor runs for one trial (a local child process or a Slurm
// array task). It starts the trial's run folder, resumes it from its checkpoint, or does nothing when the
// trial already completed, so running it twice (a requeue, a re-submitted sweep) costs nothing.

import { resolveThreads, setWasmThreads, type ThreadsSetting } from '../../core/backend/threads';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../core/backend/select';
import type { BackendChoice } from '../../core/config/types';
import { readPlan, sweepDir, trialRunDir } from '../../core/sweep/folder';
import { setAsideAttempt, trialAction } from '../../core/sweep/trialState';
import { readRunConfig, resumeRun, startRun } from '../../core/train/runner';
import { UsageError } from '../args';
import { TrainUi } from '../trainUi';

export async function sweepTaskCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2 || !/^\d+$/.test(positionals[1])) {
    throw new UsageError('expected: mla sweep-task <plan.json> <trial index>');
  }
  const plan = readPlan(path.resolve(positionals[0]));
  const index = Number(positionals[1]);
  const trial = plan.trials[index];
  if (!trial) throw new UsageError(`trial ${index}: the plan has trials 0-${plan.trials.length - 1}`);
  const runDir = trialRunDir(plan, trial);
  const ui = new TrainUi(values.json, values.quiet);
  const label = `trial ${index} (${trial.runId})`;
  // Under Slurm a task runs again only after its previous incarnation was killed (requeue, preemption).
  const action = trialAction(runDir, process.env.SLURM_JOB_ID !== undefined);
  process.stderr.write(`${label}: ${action}\n`);
  if (action === 'skip-completed' || action === 'skip-running') return 0;
  // Plans written before the option hold no `threads`.
  const threads = resolveThreads(undefined, (trial.config.threads as ThreadsSetting | undefined) ?? 'auto');
  setWasmThreads(threads);
  if (action === 'resume') {
    const record = readRunConfig(runDir);
    const backend = await selectBackend(record.run.backend as BackendChoice);
    const outcome = await ui.withStop((hooks) => resumeRun({ runDir, backend, hooks }), label, runDir);
    return outcome.state === 'failed' ? 1 : 0;
  }
  if (action === 'restart') {
    const kept = setAsideAttempt(runDir, path.join(sweepDir(plan.runsDir, plan.sweepId), 'attempts'));
    process.stderr.write(`${label}: an attempt without a checkpoint was moved to ${kept}\n`);
  }
  const backend = await selectBackend(trial.config.backend);
  const outcome = await ui.withStop(
    (hooks) =>
      startRun({
        config: trial.config,
        configFile: trial.configFile,
        seed: trial.seed,
        runsDir: plan.runsDir,
        backend,
        hooks,
        group: trial.group,
        runId: trial.runId,
        sweep: {
          id: plan.sweepId,
          name: plan.name,
          file: plan.sweepFile,
          trialId: trial.trialId,
          index: trial.index,
          axes: trial.axes,
          metric: plan.metric,
        },
      }),
    label,
    runDir,
  );
  return outcome.state === 'failed' ? 1 : 0;
}
