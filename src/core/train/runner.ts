// The life of a run folder around a training session: create it (or reopen it to resume), record the
// resolved config, the backend and the versions, keep status.json true at every state change, and turn
// any failure into `status: "failed"` with a readable message.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, ResolvedConfig } from '../config/types';
import type { BackendSelection } from '../backend/types';
import { loadDataset, loadDatasetFile } from '../data/manifest';
import type { Dataset } from '../data/types';
import { readJsonl } from '../runs/jsonl';
import { writeFileAtomic } from '../runs/atomic';
import { newRunId, RUN_FILES } from '../runs/paths';
import type { EpochRecord, MetricsRecord, RunState, RunStatus, RunSummary } from '../runs/types';
import { RunWriter } from '../runs/writer';
import { latestCheckpoint } from '../runs/checkpoint';
import { runSession, type TrainerHooks } from './session';
import type { RunSweepInfo } from '../sweep/types';
import { VERSION } from '../version';

/** What `config.json` holds: the resolved config, plus what this run actually was. */
export interface RunConfigRecord extends ResolvedConfig {
  run: {
    runId: string;
    seed: number;
    /** Runs launched together (the seeds of one "train"): what the explorer groups and "compare seeds" uses. */
    group: string;
    configFile: string;
    backend: string;
    backendsTried: BackendSelection['tried'];
    versions: { mlaStudio: string; tfjs: string; node: string };
    host: string;
    createdAt: string;
    /** Present when the run is a trial of a sweep (`mla sweep`). */
    sweep?: RunSweepInfo;
  };
}

export interface RunOutcome {
  runDir: string;
  state: RunState;
  summary: RunSummary | null;
  /** For `failed`: the message (already names the file and place for bad data). */
  error?: string;
}

export interface StartRunOptions {
  config: ResolvedConfig;
  configFile: string;
  seed: number;
  runsDir: string;
  backend: BackendSelection;
  hooks: TrainerHooks;
  /** Called as soon as the run folder exists (before data loading), e.g. to print where it is. */
  onRunDir?(runDir: string): void;
  /** Loaded once by a caller that trains several seeds on the same data. */
  dataset?: Dataset;
  /** Shared by the seeds launched together; default: this run's start time. */
  group?: string;
  /** A fixed run id (a sweep's trial, so that re-running the sweep finds it); default: a new time-stamped id. */
  runId?: string;
  sweep?: RunSweepInfo;
}

export async function startRun(opts: StartRunOptions): Promise<RunOutcome> {
  const createdAt = new Date();
  const runId = opts.runId ?? newRunId(opts.config.name, opts.seed, createdAt, opts.runsDir);
  const record: RunConfigRecord = {
    ...opts.config,
    run: {
      runId,
      seed: opts.seed,
      group: opts.group ?? createdAt.toISOString(),
      configFile: path.resolve(opts.configFile),
      backend: opts.backend.name,
      backendsTried: opts.backend.tried,
      versions: { mlaStudio: VERSION, tfjs: tf.version.tfjs, node: process.version },
      host: os.hostname(),
      createdAt: createdAt.toISOString(),
      ...(opts.sweep ? { sweep: opts.sweep } : {}),
    },
  };
  const writer = RunWriter.create(opts.runsDir, runId, record);
  opts.onRunDir?.(writer.dir);
  logBackend(writer, opts.backend);
  return drive(writer, record, false, [], opts.hooks, opts.dataset);
}

export interface ResumeRunOptions {
  runDir: string;
  /** Re-checked by the caller: the resumed run must use the backend it was started on to continue exactly. */
  backend: BackendSelection;
  hooks: TrainerHooks;
  /** Train up to this many epochs in total (default: the config's). */
  epochs?: number;
}

/** Reads what `resumeRun` needs from a run folder; throws a message naming the file when it cannot. */
export function readRunConfig(runDir: string): RunConfigRecord {
  const file = path.join(runDir, RUN_FILES.config);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${runDir}: not a run folder (no ${RUN_FILES.config})`);
  }
  const record = JSON.parse(text) as RunConfigRecord;
  if (typeof record !== 'object' || record === null || typeof record.run?.seed !== 'number') {
    throw new Error(`${file}: expected a run config with "run.seed"`);
  }
  return record;
}

export function backendChoiceForResume(record: RunConfigRecord): BackendChoice {
  return record.run.backend as BackendChoice;
}

export async function resumeRun(opts: ResumeRunOptions): Promise<RunOutcome> {
  const record = readRunConfig(opts.runDir);
  if (!latestCheckpoint(opts.runDir)) {
    throw new Error(
      `${opts.runDir}: no checkpoint to resume from (the run never finished an epoch or a stop)`,
    );
  }
  if (opts.epochs !== undefined) record.training.epochs = opts.epochs;
  // Rewrite metrics.jsonl before the writer opens it for appending (the rewrite replaces the file).
  const history = keepCheckpointedMetrics(opts.runDir);
  const writer = RunWriter.open(opts.runDir);
  if (opts.backend.name !== record.run.backend) {
    writer.log(
      `warning: resuming on ${opts.backend.name}, the run started on ${record.run.backend}; ` +
        'results will not match an uninterrupted run bit for bit',
    );
  }
  logBackend(writer, opts.backend);
  if (opts.epochs !== undefined) {
    writeFileAtomic(path.join(opts.runDir, RUN_FILES.config), JSON.stringify(record, null, 2) + '\n');
  }
  return drive(writer, record, true, history, opts.hooks);
}

async function drive(
  writer: RunWriter,
  record: RunConfigRecord,
  resume: boolean,
  history: EpochRecord[],
  hooks: TrainerHooks,
  dataset?: Dataset,
): Promise<RunOutcome> {
  const startedAt = new Date().toISOString();
  const epochs = record.training.epochs;
  const status: RunStatus = {
    state: 'running',
    pid: process.pid,
    host: os.hostname(),
    startedAt,
    endedAt: null,
    epoch: history.length > 0 ? history[history.length - 1].epoch : 0,
    epochs,
  };
  writer.setStatus(status);
  writer.log(
    `${resume ? 'resuming' : 'starting'} ${record.method} run of "${record.name}", seed ${record.run.seed}`,
  );
  try {
    const data = dataset ?? (await loadRunDataset(record));
    const result = await runSession({
      config: record,
      dataset: data,
      seed: record.run.seed,
      backend: record.run.backend,
      writer,
      resume,
      history,
      hooks: {
        shouldStop: () => hooks.shouldStop(),
        onBatch: (p) => hooks.onBatch?.(p),
        onEpoch: (r) => {
          status.epoch = r.epoch;
          writer.setStatus(status);
          hooks.onEpoch?.(r);
        },
      },
    });
    writer.setStatus({ ...status, state: result.state, endedAt: new Date().toISOString() });
    writer.log(`${result.state}: ${result.summary.epochs} epochs, best epoch ${result.summary.bestEpoch}`);
    return { runDir: writer.dir, state: result.state, summary: result.summary };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    writer.log(`failed: ${message}`);
    if (error instanceof Error && error.name !== 'DataError' && error.stack) writer.log(error.stack);
    writer.setStatus({ ...status, state: 'failed', endedAt: new Date().toISOString(), error: message });
    return { runDir: writer.dir, state: 'failed', summary: null, error: message };
  } finally {
    writer.close();
  }
}

export async function loadRunDataset(config: ResolvedConfig): Promise<Dataset> {
  if (config.dataset !== null) return loadDatasetFile(config.dataset);
  return loadDataset(config.inlineDataset, config.datasetBaseDir, `<inline manifest of "${config.name}">`);
}

function logBackend(writer: RunWriter, backend: BackendSelection): void {
  for (const t of backend.tried)
    writer.log(`backend ${t.name}: ${t.ok ? 'loaded' : 'not used'} (${t.reason})`);
  writer.log(`backend in use: ${backend.name}`);
}

/**
 * On resume, metrics.jsonl keeps only what the checkpoint covers: a kill between a checkpoint and the
 * next line, or after lines of an epoch the checkpoint does not hold, must not leave duplicates.
 */
function keepCheckpointedMetrics(runDir: string): EpochRecord[] {
  const ref = latestCheckpoint(runDir)!;
  const file = path.join(runDir, RUN_FILES.metrics);
  const { records } = readJsonl<MetricsRecord>(file);
  const stateFile = path.join(ref.dir, 'state.json');
  const extra = (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { extra: { epochsDone: number } }).extra;
  const kept = records.filter((r) =>
    r.type === 'epoch' ? r.epoch <= extra.epochsDone : r.epoch <= extra.epochsDone + 1,
  );
  writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  return kept.filter((r): r is EpochRecord => r.type === 'epoch');
}
