// Everything `mla train` prints, in one of three voices: a live terminal line, plain lines (logs, CI), or
// JSON events for programs (the extension). Also owns the stop signals while a run trains.

import { wasmThreadsLoaded } from '../core/backend/threads';
import * as path from 'node:path';
import { measuredFigures } from '../core/backend/describe';
import type { BackendSelection } from '../core/backend/types';
import { seedGroupLine } from '../core/runs/seed-line';
import type { RunOutcome } from '../core/train/runner';
import type { TrainerHooks } from '../core/train/session';
import { encodeTrainerEvent, type TrainerEvent } from '../protocol/trainerEvents';
import { pct } from '../shared/format';
import { formatDuration, ProgressReporter } from './progress';
import { listenForStop } from './stopSignal';

/** Everything the command prints, in one of three voices: live terminal, plain lines, or JSON events. */
export class TrainUi {
  private readonly started = Date.now();

  constructor(
    private readonly json: boolean,
    private readonly quiet: boolean,
  ) {}

  diagnostic(severity: 'error' | 'warning', line: string): void {
    if (this.json) this.event({ type: 'diagnostic', severity, text: line });
    else process.stderr.write(line + '\n');
  }

  backend(b: BackendSelection): void {
    if (this.json) return this.event({ type: 'backend', name: b.name, tried: b.tried });
    if (this.quiet) return;
    // The full reasons go to each run's log.txt; the terminal gets their first clause.
    const brief = (reason: string) => withoutParentheses(reason).split(';')[0];
    const skipped = b.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${brief(t.reason)}`);
    const measured = measuredFigures(b.tried);
    const threads = b.name === 'wasm' ? wasmThreadsLoaded() : null;
    const notes = [
      threads && `kernels on ${threads}`,
      measured && `measured: ${measured}`,
      skipped.length > 0 && `not used: ${skipped.join('; ')}`,
    ];
    const adapter = b.tried.find((t) => t.name === b.name)?.adapter;
    const on = adapter !== undefined ? ` on ${adapter}` : '';
    const extra = notes.filter((n) => n).join('; ');
    process.stderr.write(`backend: ${b.name}${on}${extra ? ` (${extra})` : ''}\n`);
  }

  runStarted(runDir: string, seed: number): void {
    if (this.json) return this.event({ type: 'run-started', runDir, seed });
    if (!this.quiet) process.stderr.write(`seed ${seed}: run folder ${runDir}\n`);
  }

  async withStop(
    run: (hooks: TrainerHooks) => Promise<RunOutcome>,
    label: string,
    runDir: string | (() => string),
  ): Promise<RunOutcome> {
    const dirOf = () => (typeof runDir === 'string' ? runDir : runDir());
    const reporter = new ProgressReporter(
      {
        isTTY: !this.json && !this.quiet && process.stderr.isTTY === true,
        columns: process.stderr.columns || 100,
        write: (t) => {
          if (!this.json && !this.quiet) process.stderr.write(t);
        },
      },
      label,
    );
    const stop = listenForStop(
      (signal) => {
        reporter.finish();
        if (!this.json) process.stderr.write(`${signal}: finishing the current batch, then checkpointing…\n`);
      },
      (signal) => {
        reporter.finish();
        if (!this.json)
          process.stderr.write(`${signal} again: quitting now; the last epoch's checkpoint remains\n`);
        process.exit(130);
      },
    );
    let lastProgress = 0;
    try {
      const outcome = await run({
        shouldStop: () => stop.requested,
        onBatch: (p) => {
          reporter.batch(p);
          const now = Date.now();
          if (this.json && now - lastProgress > 500) {
            lastProgress = now;
            this.event({
              type: 'progress',
              runDir: dirOf(),
              epoch: p.epoch,
              epochs: p.epochs,
              batch: p.batch,
              batches: p.batches,
            });
          }
        },
        onEpoch: (record) => {
          reporter.epoch(record);
          if (this.json) this.event({ type: 'epoch', runDir: dirOf(), record });
        },
      });
      reporter.finish();
      if (this.json) {
        this.event({
          type: 'run-ended',
          runDir: outcome.runDir,
          state: outcome.state,
          summary: outcome.summary,
          error: outcome.error,
        });
      } else if (outcome.state === 'failed') {
        process.stderr.write(
          `${label}: failed: ${outcome.error}\n  (details in ${path.join(outcome.runDir, 'log.txt')})\n`,
        );
      }
      return outcome;
    } finally {
      stop.dispose();
    }
  }

  summarize(outcomes: RunOutcome[], order: string[]): void {
    if (this.json) return;
    const lines: string[] = [];
    for (const o of outcomes) {
      const s = o.summary;
      if (!s) {
        lines.push(`${o.state}: ${o.runDir}`);
        continue;
      }
      const uni = order.map((m) => `${m} ${pct(s.test.unimodal[m])}`).join(', ');
      lines.push(
        `seed ${s.seed} ${s.state}: test fused ${pct(s.test.fused)} (${uni}) at best epoch ${s.bestEpoch}/${s.epochs}, ` +
          `${formatDuration(s.wallSeconds)}`,
        `  run folder: ${o.runDir}`,
      );
    }
    const done = outcomes.filter((o) => o.summary && o.state === 'completed').map((o) => o.summary!);
    if (done.length > 1) {
      lines.push(seedGroupLine(done, order));
    }
    lines.push(`total time ${formatDuration((Date.now() - this.started) / 1000)}`);
    process.stdout.write(lines.join('\n') + '\n');
  }

  private event(e: TrainerEvent): void {
    process.stdout.write(encodeTrainerEvent(e));
  }
}

/** The text outside parentheses, nested ones included (adapter names hold their own). */
function withoutParentheses(text: string): string {
  let out = text;
  for (let prev = ''; prev !== out;) {
    prev = out;
    out = out.replace(/\s*\([^()]*\)/g, '');
  }
  return out;
}
