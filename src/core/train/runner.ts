// The life of a run folder around a training session: create it (or reopen it to resume), record the
// resolved config, the backend and the versions, keep status.json true at every state change, and turn
// any failure into `status: "failed"` with a readable message.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, ResolvedConfig } from '../config/types';
import { attemptLine } from '../backend/describe';
import { backendFault, BackendFault } from '../backend/fault';
import type { BackendSelection } from '../backend/types';
import { loadDataset, loadDatasetFile } from '../data/manifest';
import type { Dataset } from '../data/types';
import { readJsonFile, writeFileAtomic } from '../runs/atomic';
import { newRunId, RUN_FILES } from '../runs/paths';
import { checkRunConfig, type RunConfigRecord } from '../runs/run-config';
import type { EpochRecord, RunState, RunStatus, RunSummary } from '../runs/types';
import { RunWriter } from '../runs/writer';
import type { Checkpoint } from '../runs/checkpoint';
import { acquireRunLock, type RunLock } from '../runs/lock';
import { ownIdentity } from '../runs/process-identity';
import { completedOutcome } from './resume-complete';
import { intactCheckpoint } from './resume-checkpoint';
import { changesSinceStart, configFingerprint, dataFingerprint } from './run-fingerprint';
import { checkResumeConfig } from './resume-config';
import { resumeHistory } from './resume-history';
import { runSession, type TrainerHooks } from './session';
import type { RunSweepInfo } from '../sweep/types';
import { VERSION } from '../version';

export type { RunConfigRecord } from '../runs/run-config';

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
      configHash: '',
      ...(opts.sweep ? { sweep: opts.sweep } : {}),
    },
  };
  record.run.configHash = configFingerprint(record);
  const writer = RunWriter.create(opts.runsDir, runId, record);
  const lock = acquireRunLock(writer.dir, 'train');
  opts.onRunDir?.(writer.dir);
  logBackend(writer, opts.backend);
  return drive(writer, lock, record, null, [], opts.hooks, opts.dataset);
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
  try {
    fs.lstatSync(file);
  } catch {
    throw new Error(`${runDir}: not a run folder (no ${RUN_FILES.config})`);
  }
  return checkRunConfig(readJsonFile(file), file);
}

export function backendChoiceForResume(record: RunConfigRecord): BackendChoice {
  return record.run.backend as BackendChoice;
}

export async function resumeRun(opts: ResumeRunOptions): Promise<RunOutcome> {
  const record = readRunConfig(opts.runDir);
  checkResumeConfig(record, path.join(opts.runDir, RUN_FILES.config));
  // Before anything is rewritten: a second trainer on the same folder would cut the first one's metrics.
  const lock = acquireRunLock(opts.runDir, 'resume');
  try {
    return await resumeLocked(opts, record, lock);
  } finally {
    lock.release();
  }
}

async function resumeLocked(
  opts: ResumeRunOptions,
  record: RunConfigRecord,
  lock: RunLock,
): Promise<RunOutcome> {
  // Everything is loaded and checked before anything in the folder changes: a damaged checkpoint, changed
  // data or a changed config leave it as it was.
  const { checkpoint, passedOver } = await intactCheckpoint(opts.runDir);
  if (opts.epochs !== undefined) record.training.epochs = opts.epochs;
  const done = completedOutcome(opts.runDir, checkpoint, record.training.epochs);
  if (done !== null) return done;
  const dataset = await loadRunDataset(record);
  const changes = changesSinceStart(record, dataset);
  if (changes.length > 0) {
    throw new Error(
      `${opts.runDir}: cannot resume, changed since the run started: ${changes.join('; ')}. ` +
        'Start a new run to train on what is there now.',
    );
  }
  // Rewrite metrics.jsonl before the writer opens it for appending (the rewrite replaces the file).
  const history = resumeHistory(opts.runDir, checkpoint);
  const writer = RunWriter.open(opts.runDir);
  for (const problem of passedOver) writer.log(`passed over a damaged checkpoint: ${problem}`);
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
  return drive(writer, lock, record, checkpoint, history, opts.hooks, dataset);
}

async function drive(
  writer: RunWriter,
  lock: RunLock,
  record: RunConfigRecord,
  checkpoint: Checkpoint | null,
  history: EpochRecord[],
  hooks: TrainerHooks,
  dataset?: Dataset,
): Promise<RunOutcome> {
  const resume = checkpoint !== null;
  const startedAt = new Date().toISOString();
  const epochs = record.training.epochs;
  const identity = ownIdentity();
  const status: RunStatus = {
    state: 'running',
    pid: process.pid,
    host: os.hostname(),
    // What Stop checks before signalling: the pid alone may belong to another process by then.
    bootId: identity.bootId,
    processStart: identity.processStart,
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
    if (!resume) {
      // Recorded once the data is loaded: what resume compares against (run-fingerprint.ts).
      record.run.dataHash = dataFingerprint(data);
      writeFileAtomic(path.join(writer.dir, RUN_FILES.config), JSON.stringify(record, null, 2) + '\n');
    }
    const result = await runSession({
      config: record,
      dataset: data,
      seed: record.run.seed,
      backend: record.run.backend,
      writer,
      checkpoint,
      history,
      hooks: {
        shouldStop: () => hooks.shouldStop(),
        onBatch: (p) => {
          // A device lost or out of memory between kernels (backend/fault.ts) ends the run here, one line.
          const fault = backendFault();
          if (fault !== null) throw new BackendFault(fault);
          hooks.onBatch?.(p);
        },
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
    // After a fault, whatever the next kernel threw is a consequence: the fault is the reason.
    const fault = backendFault();
    const message = fault ?? (error instanceof Error ? error.message : String(error));
    const expected =
      fault !== null ||
      (error instanceof Error && ['DataError', 'NonFiniteLossError', 'WriteError'].includes(error.name));
    // A full or read-only disk may refuse these too: the run still ends, with the message on the way out
    // (a status.json left at `running` is then read as a vanished trainer).
    bestEffort(() => writer.log(`failed: ${message}`));
    if (!expected && error instanceof Error && error.stack) bestEffort(() => writer.log(error.stack!));
    bestEffort(() =>
      writer.setStatus({ ...status, state: 'failed', endedAt: new Date().toISOString(), error: message }),
    );
    return { runDir: writer.dir, state: 'failed', summary: null, error: message };
  } finally {
    writer.close();
    lock.release();
  }
}

function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // Reported already: the run's failure message is the first write error.
  }
}

export async function loadRunDataset(config: ResolvedConfig): Promise<Dataset> {
  if (config.dataset !== null) return loadDatasetFile(config.dataset);
  return loadDataset(config.inlineDataset, config.datasetBaseDir, `<inline manifest of "${config.name}">`);
}

function logBackend(writer: RunWriter, backend: BackendSelection): void {
  for (const t of backend.tried) writer.log(attemptLine(t));
  const used = backend.tried.find((t) => t.name === backend.name);
  writer.log(`backend in use: ${backend.name}${used?.adapter !== undefined ? ` on ${used.adapter}` : ''}`);
}
