// Runs a sweep's trials as child processes of this machine, at most `maxParallel` at once (default: one per
// core), the rest in a queue. Aborting stops the queue and sends SIGTERM to every running trial, which
// finishes its batch, writes a checkpoint and ends "stopped"; re-running the sweep resumes them.

import { THREADS_ENV, threadsPerRun } from '../../backend/threads';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { relaxedSimdFlags } from '../../backend/relaxed-simd-flags';
import { sweepDir, trialRunDir } from '../folder';
import { trialStateOf } from '../trialState';
import type { SweepPlan } from '../types';
import {
  countStates,
  type ExecuteOptions,
  type SweepExecutor,
  type TaskCommand,
  type TrialReport,
} from './types';

export class LocalExecutor implements SweepExecutor {
  readonly name = 'local';
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly task: TaskCommand) {}

  async execute(
    plan: SweepPlan,
    planFile: string,
    indices: number[],
    options: ExecuteOptions,
  ): Promise<TrialReport[]> {
    const parallel = Math.max(1, plan.maxParallel ?? os.availableParallelism());
    const logs = path.join(sweepDir(plan.runsDir, plan.sweepId), 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const queue = [...indices];
    const running = new Set<number>();
    const exitReasons = new Map<number, string>();
    const progress = () =>
      options.onProgress(countStates(this.reportNow(plan, running, new Set(queue), exitReasons)));
    const onAbort = () => {
      queue.length = 0;
      for (const child of this.children) child.kill('SIGTERM');
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve) => {
        const next = () => {
          while (running.size < parallel && queue.length > 0 && !options.signal.aborted) {
            const index = queue.shift()!;
            running.add(index);
            const child = this.spawnTrial(
              planFile,
              index,
              logs,
              threadsPerRun(Math.min(parallel, indices.length)),
            );
            child.on('close', (code, signal) => {
              this.children.delete(child);
              running.delete(index);
              if (code !== 0) exitReasons.set(index, signal ? `killed by ${signal}` : `exit code ${code}`);
              progress();
              next();
            });
          }
          progress();
          if (running.size === 0 && (queue.length === 0 || options.signal.aborted)) resolve();
        };
        next();
      });
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
    return this.reportNow(plan, new Set(), new Set(), exitReasons);
  }

  async report(plan: SweepPlan): Promise<TrialReport[]> {
    return this.reportNow(plan, new Set(), new Set(), new Map());
  }

  async stop(): Promise<void> {
    for (const child of this.children) child.kill('SIGTERM');
  }

  private spawnTrial(planFile: string, index: number, logs: string, threads: number): ChildProcess {
    const err = fs.openSync(path.join(logs, `${index}.err`), 'a');
    // The task's node is this process's own executable (commands/sweep.ts), so its version is ours.
    const args = [this.task.entry, 'sweep-task', planFile, String(index), '--quiet'];
    const child = spawn(this.task.node, [...relaxedSimdFlags(process.version), ...args], {
      stdio: ['ignore', 'ignore', err],
      // Trials training at once share the cores (a trial's own `threads` still wins: backend/threads.ts).
      env: { ...process.env, [THREADS_ENV]: String(threads) },
    });
    fs.closeSync(err);
    this.children.add(child);
    return child;
  }

  private reportNow(
    plan: SweepPlan,
    running: Set<number>,
    queued: Set<number>,
    exitReasons: Map<number, string>,
  ): TrialReport[] {
    const logs = path.join(sweepDir(plan.runsDir, plan.sweepId), 'logs');
    return plan.trials.map((t): TrialReport => {
      const folder = trialStateOf(trialRunDir(plan, t));
      const state = queued.has(t.index) ? 'queued' : running.has(t.index) ? 'running' : folder;
      const report: TrialReport = { index: t.index, state };
      const reason = exitReasons.get(t.index);
      if (state === 'failed' || (reason && state !== 'completed' && state !== 'stopped')) {
        report.state = 'failed';
        if (reason) report.reason = reason;
        report.stderrFile = path.join(logs, `${t.index}.err`);
      }
      return report;
    });
  }
}
