// `mla train`: validate the config with the one validator, pick the backend, then train every requested
// seed one after another (or resume one run), printing progress and a per-seed summary.

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../core/backend/select';
import type { BackendSelection } from '../../core/backend/types';
import { formatDiagnostic } from '../../core/config/format';
import { applyOverrides } from '../../core/config/overrides';
import type { ResolvedConfig } from '../../core/config/types';
import { validateConfig } from '../../core/config/validate';
import { meanStd } from '../../core/eval/metrics';
import { defaultRunsDir } from '../../core/runs/paths';
import {
  backendChoiceForResume,
  loadRunDataset,
  readRunConfig,
  resumeRun,
  startRun,
  type RunOutcome,
} from '../../core/train/runner';
import type { TrainerHooks } from '../../core/train/session';
import { encodeTrainerEvent, type TrainerEvent } from '../../protocol/trainerEvents';
import { formatDuration, pct, ProgressReporter } from '../progress';
import { listenForStop } from '../stopSignal';
import { TRAIN_HELP } from '../usage';
import { UsageError, parseBackend, parsePositiveInt, parseSeed, readConfigText } from '../args';

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: 'string', multiple: true },
      epochs: { type: 'string' },
      'runs-dir': { type: 'string' },
      backend: { type: 'string' },
      resume: { type: 'string' },
      group: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  const epochs = values.epochs !== undefined ? parsePositiveInt(values.epochs, '--epochs') : undefined;
  const backendOverride = values.backend !== undefined ? parseBackend(values.backend) : undefined;
  const ui = new TrainUi(values.json, values.quiet);

  if (values.resume !== undefined) {
    if (positionals.length > 0 || values.seed)
      throw new UsageError('--resume takes a run folder and no config or --seed');
    const runDir = path.resolve(values.resume);
    const record = readRunConfig(runDir);
    const backend = await selectBackend(backendOverride ?? backendChoiceForResume(record));
    ui.backend(backend);
    const outcome = await ui.withStop(
      (hooks) => resumeRun({ runDir, backend, hooks, epochs }),
      `seed ${record.run.seed}`,
      runDir,
    );
    ui.summarize([outcome], record.mla.order);
    return outcome.state === 'failed' ? 1 : 0;
  }

  if (positionals.length !== 1) throw new UsageError('expected one config file: mla train <config.mla.json>');
  const configFile = path.resolve(positionals[0]);
  const config = await loadValidConfig(configFile, ui);
  if (!config) return 2;
  const seeds = values.seed?.map((s) => parseSeed(s));
  const resolved = applyOverrides(config, { epochs, backend: backendOverride, seeds });
  const runsDir =
    values['runs-dir'] !== undefined ? path.resolve(values['runs-dir']) : defaultRunsDir(configFile);
  const backend = await selectBackend(resolved.backend);
  ui.backend(backend);
  const dataset = await loadRunDataset(resolved);
  // The seeds of one command form one seed group (the extension passes its own when it spreads them over processes).
  const group = values.group ?? new Date().toISOString();
  const outcomes: RunOutcome[] = [];
  for (const seed of resolved.seeds) {
    let runDir = '';
    const outcome = await ui.withStop(
      (hooks) =>
        startRun({
          config: resolved,
          configFile,
          seed,
          runsDir,
          backend,
          hooks,
          dataset,
          group,
          onRunDir: (dir) => {
            runDir = dir;
            ui.runStarted(dir, seed);
          },
        }),
      `seed ${seed}`,
      () => runDir,
    );
    outcomes.push(outcome);
    if (outcome.state === 'stopped') break;
  }
  ui.summarize(outcomes, resolved.mla.order);
  return outcomes.some((o) => o.state === 'failed') ? 1 : 0;
}

async function loadValidConfig(configFile: string, ui: TrainUi): Promise<ResolvedConfig | null> {
  const text = readConfigText(configFile);
  const result = await validateConfig(text, configFile);
  for (const d of result.diagnostics) ui.diagnostic(d.severity, formatDiagnostic(configFile, d));
  return result.config;
}

/** Everything the command prints, in one of three voices: live terminal, plain lines, or JSON events. */
class TrainUi {
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
    const brief = (reason: string) => reason.replace(/\s*\([^)]*\)/g, '').split(';')[0];
    const skipped = b.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${brief(t.reason)}`);
    process.stderr.write(`backend: ${b.name}${skipped.length ? ` (not used: ${skipped.join('; ')})` : ''}\n`);
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
      const fmt = (xs: number[]) => {
        const { mean, std } = meanStd(xs);
        return `${(100 * mean).toFixed(1)} ± ${(100 * std).toFixed(1)}%`;
      };
      lines.push(`over ${done.length} seeds: test fused ${fmt(done.map((s) => s.test.fused))}`);
      for (const m of order) lines.push(`  ${m}: ${fmt(done.map((s) => s.test.unimodal[m]))}`);
    }
    lines.push(`total time ${formatDuration((Date.now() - this.started) / 1000)}`);
    process.stdout.write(lines.join('\n') + '\n');
  }

  private event(e: TrainerEvent): void {
    process.stdout.write(encodeTrainerEvent(e));
  }
}
