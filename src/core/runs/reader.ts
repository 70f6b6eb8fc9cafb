// The readers' side of a run folder: the extension, the dashboard and `mla` all see a run through
// `readRun`, whether it was started from VS Code, a terminal or another machine. Reading never throws for
// a damaged folder: what could be read is returned, and `error` says what could not.

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { readJsonFile } from './atomic';
import { listCheckpoints } from './checkpoint';
import type { CheckpointRef } from './checkpoint';
import { readJsonl } from './jsonl';
import type { MetricsContents } from './metrics-follower';
import { displayStateOf, livenessOf } from './liveness';
import type { Liveness } from './liveness';
import { RUN_FILES } from './paths';
import { checkStatus, checkSummary, isEpochRecordShape, isRecord } from './record-checks';
import { checkRunConfig, type RunConfigRecord } from './run-config';
import type { DisplayState, EpochRecord, RunStatus, RunSummary } from './types';
import { markVanished } from './vanished';

export interface RunInfo {
  /** The folder name, e.g. `2026-11-27T10-04-05-123Z_handwritten-mla_s0`. */
  id: string;
  dir: string;
  /** Config name and seed, from config.json (top level, or under `run`/`config`/`resolved`), else summary.json. */
  name: string | null;
  seed: number | null;
  /** config.json as read (any object). */
  config: Record<string, unknown> | null;
  /**
   * config.json as the trainer writes it (the resolved config and the `run` facts), checked; null when the
   * folder has none or another layout (then views fall back to status.json and summary.json).
   */
  resolved: RunConfigRecord | null;
  status: RunStatus | null;
  liveness: Liveness;
  /** The state to show (see `displayStateOf`): `stale` when a `running` trainer is gone. */
  displayState: DisplayState;
  /** `running`, `running (remote)`, `completed`, `stopped`, `failed` or `stale`. */
  stateLabel: string;
  /** Why it failed or went stale: status.error, or "the trainer process ended without finishing". */
  reason: string | null;
  summary: RunSummary | null;
  /** One record per epoch (the last one written wins, as a resumed run may redo an epoch), in order. */
  epochs: EpochRecord[];
  lastEpoch: EpochRecord | null;
  checkpoints: CheckpointRef[];
  metrics: { corrupt: number; corruptLines: number[]; partialTail: boolean };
  /** What could not be read, with file names; null for a healthy folder. */
  error: string | null;
}

export interface ReadRunOptions {
  /**
   * Reads metrics.jsonl instead of a whole-file parse, given the run's status (e.g. a follower that parses
   * only what was appended while the run is running); null to read the whole file.
   */
  metrics?: (status: RunStatus | null) => MetricsContents | null;
  /**
   * Corrects a `running` status.json whose trainer is verifiably gone to `failed: trainer vanished`
   * (vanished.ts). Only for readers allowed to write: the command line, the extension in a trusted workspace.
   */
  markVanished?: boolean;
}

export function readRun(runDir: string): Promise<RunInfo> {
  return readRunWith(runDir, {});
}

export async function readRunWith(runDir: string, options: ReadRunOptions): Promise<RunInfo> {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };
  const file = (name: string): string => path.join(runDir, name);

  const stat = await fsp.stat(runDir).catch(() => null);
  if (stat === null || !stat.isDirectory()) problems.push(`${runDir}: not a folder`);

  const config = attempt(() => {
    const raw = readJsonFile(file(RUN_FILES.config));
    if (!isRecord(raw)) throw new Error(`${file(RUN_FILES.config)}: the document must be an object`);
    return raw;
  }, null);
  // Only a record with the trainer's `run` facts is checked as one: a folder of another layout is not damage.
  const resolved =
    config !== null && 'run' in config
      ? attempt(() => checkRunConfig(config, file(RUN_FILES.config)), null)
      : null;
  let status = attempt(() => readStatus(runDir), null);
  if (options.markVanished && livenessOf(status) === 'stale')
    status = attempt(() => markVanished(runDir), null) ?? status;
  const summary = present(file(RUN_FILES.summary))
    ? attempt(() => checkSummary(readJsonFile(file(RUN_FILES.summary)), file(RUN_FILES.summary)), null)
    : null;

  const metrics = { corrupt: 0, corruptLines: [] as number[], partialTail: false };
  let epochs: EpochRecord[] = [];
  const followed = options.metrics ? attempt(() => options.metrics?.(status) ?? null, null) : null;
  if (followed) {
    Object.assign(metrics, followed.metrics);
    epochs = followed.epochs;
  } else if (present(file(RUN_FILES.metrics))) {
    attempt(() => {
      const contents = readJsonl<object>(file(RUN_FILES.metrics));
      metrics.corrupt = contents.corrupt;
      metrics.corruptLines = contents.corruptLines;
      metrics.partialTail = contents.partialTail;
      const usable = contents.records.filter((r) => (r as { type?: unknown }).type === 'epoch');
      const epochShaped = usable.filter(isEpochRecordShape);
      metrics.corrupt += usable.length - epochShaped.length;
      epochs = lastPerEpoch(epochShaped as EpochRecord[]);
    }, undefined);
  }

  const liveness = livenessOf(status);
  const shown = displayStateOf(status, liveness);
  const identity = identityOf(config, summary);
  return {
    id: path.basename(runDir),
    dir: runDir,
    name: identity.name,
    seed: identity.seed,
    config,
    resolved,
    status,
    liveness,
    displayState: shown.state,
    stateLabel: shown.label,
    reason: shown.reason,
    summary,
    epochs,
    lastEpoch: epochs.length > 0 ? epochs[epochs.length - 1] : null,
    checkpoints: listCheckpoints(runDir),
    metrics,
    error: problems.length > 0 ? problems.join('; ') : null,
  };
}

/** Something is at `file`, even a symlink loop or a FIFO: the bounded read then says what is wrong with it. */
function present(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * status.json of a run folder, checked; null when there is none (yet). A damaged one throws a message with
 * the file and the place.
 */
export function readStatus(runDir: string): RunStatus | null {
  const file = path.join(runDir, RUN_FILES.status);
  if (!present(file)) return null;
  return checkStatus(readJsonFile(file), file);
}

/** The run folders under `runsDir`, oldest first (run ids sort by start time); none if it does not exist. */
export async function listRunDirs(runsDir: string): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(runsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(runsDir, name));
}

function lastPerEpoch(records: EpochRecord[]): EpochRecord[] {
  const byEpoch = new Map<number, EpochRecord>();
  for (const record of records) byEpoch.set(record.epoch, record);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

function identityOf(
  config: Record<string, unknown> | null,
  summary: RunSummary | null,
): { name: string | null; seed: number | null } {
  // The trainer writes the resolved config at the top level and the seed under `run`.
  const places = config === null ? [] : [config, config.run, config.config, config.resolved].filter(isRecord);
  const name = places.map((p) => p.name).find((v): v is string => typeof v === 'string') ?? null;
  const seed =
    places.map((p) => p.seed).find((v): v is number => typeof v === 'number') ?? summary?.seed ?? null;
  return { name, seed };
}
