// Messages between the extension host and the dashboard webview. Both sides import these types; the host
// validates every message from the webview with `parseWebviewMessage` before acting on it (a webview is
// untrusted input: it renders data and could be driven by it).

import type { DisplayState, EpochRecord, FusionRecord, RunSummary, SplitScores } from '../core/runs/types';

/** What the dashboard shows. `run`: one run live; `compare`: a seed group; `fusion`: per-sample weights. */
export type DashboardView = 'run' | 'compare' | 'fusion';

// The run-folder records the messages carry, so the webview needs no other import for them.
export type {
  DisplayState,
  EpochRecord,
  FusionRecord,
  RunSummary,
  SplitScores,
  SummaryScores,
} from '../core/runs/types';

export interface RunView {
  runDir: string;
  runId: string;
  name: string;
  seed: number | null;
  method: string;
  backend: string;
  state: DisplayState;
  /** A sentence for the header, e.g. why a run failed. */
  stateDetail: string | null;
  epoch: number;
  epochs: number;
  startedAt: string | null;
  endedAt: string | null;
  modalities: string[];
  classes: string[];
  fusionType: string;
  summary: RunSummary | null;
}

export { seriesKey, type SeriesFrame, type SeriesGroup } from '../shared/series';
import type { SeriesFrame } from '../shared/series';

/** One seed group (or a picked set of runs) of the comparison: rows of the paper table. */
export interface CompareGroup {
  key: string;
  /** Config name, e.g. `example-mla`. */
  name: string;
  method: string;
  /** True for the runs the view was opened on; false for runs of another method on the same dataset. */
  primary: boolean;
  runs: { run: RunView; records: EpochRecord[] }[];
}

/** Where the fusion inspector's records came from: fusion.jsonl (best epoch) or `mla eval` of a checkpoint. */
export interface FusionSource {
  runDir: string;
  epoch: number;
  origin: 'fusion.jsonl' | 'eval';
  /** The fusion rule of the run: `entropy` (per sample), `entropy-batch`, `fixed`, `mean`, `concat-head`. */
  fusionType: string;
  perSample: boolean;
  classes: string[];
  /** Epochs with a kept checkpoint (re-evaluable with `mla eval`). */
  checkpoints: number[];
  /** Scores of a re-evaluated checkpoint (null for fusion.jsonl: its scores are the summary's). */
  scores: { val: SplitScores; test: SplitScores; partial: boolean } | null;
}

export type EvalState = 'running' | 'done' | 'failed' | 'cancelled';

export type HostToWebview =
  | { type: 'init'; view: DashboardView; runs: RunView[] }
  /** Header data of the live view: state, the latest epoch's record and an estimate of the time left. */
  | { type: 'runUpdate'; run: RunView; latest: EpochRecord | null; etaSeconds: number | null }
  | { type: 'series'; frame: SeriesFrame }
  | { type: 'compareData'; groups: CompareGroup[] }
  | { type: 'fusionRecords'; source: FusionSource; records: FusionRecord[] }
  | { type: 'evalProgress'; runDir: string; epoch: number; state: EvalState; message: string }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

export type ExportFormat = 'csv' | 'markdown';

export type WebviewToHost =
  | { type: 'ready' }
  /** The webview drew a run up to `epoch` (lets the host, and tests, know an update arrived on screen). */
  | { type: 'rendered'; runDir: string; epoch: number }
  | { type: 'stop'; runDir: string }
  | { type: 'resume'; runDir: string }
  /** Chart data for epochs [from, to] (null: all), at most about `points` points per series. */
  | {
      type: 'requestSeries';
      runDir: string;
      from: number | null;
      to: number | null;
      points: number;
      smoothing: number;
    }
  | { type: 'requestFusion'; runDir: string }
  | { type: 'evalCheckpoint'; runDir: string; epoch: number }
  | { type: 'cancelEval'; runDir: string }
  | { type: 'exportText'; format: ExportFormat; action: 'save' | 'copy'; fileName: string; content: string }
  | { type: 'exportPng'; fileName: string; dataUrl: string };

/** Persisted by the webview (`setState`) and handed back to the serializer after a window reload. */
export interface DashboardState {
  view: DashboardView;
  runDirs: string[];
}

/** Upper bounds on what a webview may ask for: a message cannot make the host allocate without limit. */
export const LIMITS = {
  points: { min: 16, max: 8192 },
  textBytes: 5_000_000,
  pngBytes: 20_000_000,
  fileName: 120,
} as const;

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/** Returns the message when it is one the host understands, else null (and the host ignores it). */
export function parseWebviewMessage(
  value: unknown,
  allowedRunDirs: ReadonlySet<string>,
): WebviewToHost | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  // Only runs this panel shows: a message cannot steer the host to an arbitrary folder.
  const runDir = typeof m.runDir === 'string' && allowedRunDirs.has(m.runDir) ? m.runDir : null;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'rendered':
      return runDir !== null && isCount(m.epoch) ? { type: 'rendered', runDir, epoch: m.epoch } : null;
    case 'stop':
    case 'resume':
    case 'requestFusion':
    case 'cancelEval':
      return runDir !== null ? { type: m.type, runDir } : null;
    case 'requestSeries': {
      if (runDir === null) return null;
      if (!isEpochBound(m.from) || !isEpochBound(m.to)) return null;
      if (m.from !== null && m.to !== null && m.from > m.to) return null;
      if (!Number.isInteger(m.points) || (m.points as number) < LIMITS.points.min) return null;
      if ((m.points as number) > LIMITS.points.max) return null;
      if (typeof m.smoothing !== 'number' || !(m.smoothing >= 0 && m.smoothing < 1)) return null;
      return {
        type: 'requestSeries',
        runDir,
        from: m.from,
        to: m.to,
        points: m.points as number,
        smoothing: m.smoothing,
      };
    }
    case 'evalCheckpoint':
      return runDir !== null && isCount(m.epoch) && m.epoch >= 1
        ? { type: 'evalCheckpoint', runDir, epoch: m.epoch }
        : null;
    case 'exportText': {
      if (m.format !== 'csv' && m.format !== 'markdown') return null;
      if (m.action !== 'save' && m.action !== 'copy') return null;
      const fileName = safeFileName(m.fileName);
      if (fileName === null || typeof m.content !== 'string') return null;
      if (m.content.length > LIMITS.textBytes) return null;
      return { type: 'exportText', format: m.format, action: m.action, fileName, content: m.content };
    }
    case 'exportPng': {
      const fileName = safeFileName(m.fileName);
      if (fileName === null || typeof m.dataUrl !== 'string') return null;
      if (m.dataUrl.length > LIMITS.pngBytes || !PNG_DATA_URL.test(m.dataUrl)) return null;
      return { type: 'exportPng', fileName, dataUrl: m.dataUrl };
    }
    default:
      return null;
  }
}

/**
 * A suggested file name: a plain name (no folder, no `..`), of safe characters. It only pre-fills the save
 * dialog, where the person picks the real place.
 */
export function safeFileName(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.fileName) return null;
  if (!/^[A-Za-z0-9][A-Za-z0-9._ -]*$/.test(value) || value.includes('..')) return null;
  return value;
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isEpochBound(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0);
}

export function parseDashboardState(value: unknown): DashboardState | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  const views: DashboardView[] = ['run', 'compare', 'fusion'];
  if (!views.includes(s.view as DashboardView)) return null;
  if (!Array.isArray(s.runDirs) || !s.runDirs.every((d) => typeof d === 'string') || s.runDirs.length === 0)
    return null;
  return { view: s.view as DashboardView, runDirs: s.runDirs as string[] };
}
