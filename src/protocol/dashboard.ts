// Messages between the extension host and the dashboard webview. Messages from the webview are declared
// as codecs (their types are inferred from them) and decoded by `parseWebviewMessage` before the host acts
// on them: a webview is untrusted input, it renders data and could be driven by it. Messages to the webview
// come from the host's own code and are typed, not decoded.

import type { CompareTable, RankSummary } from '../core/compare/types';
import type { DisplayState, EpochRecord, FusionRecord, RunSummary, SplitScores } from '../core/runs/types';
import type { SeriesFrame } from '../shared/series';
import type { ConfigEntry } from '../core/config/configEntry';
import * as c from './codec';

const dashboardView = c.literal('run', 'compare', 'fusion', 'config');

/**
 * What the dashboard shows. `run`: one run live; `compare`: a seed group; `fusion`: per-sample weights;
 * `config`: the run's effective config against the defaults.
 */
export type DashboardView = c.Infer<typeof dashboardView>;

// The run-folder records the messages carry, so the webview needs no other import for them.
export type { ConfigEntry } from '../core/config/configEntry';
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

/** A value as JSON carries it: non-finite numbers (the std of one seed, the t of a zero spread) become null. */
export type Jsonified<T> = T extends number
  ? number | null
  : T extends string | boolean | null
    ? T
    : T extends readonly (infer U)[]
      ? Jsonified<U>[]
      : { [K in keyof T]: Jsonified<T[K]> };

/** The table `mla compare` builds (src/core/compare), as the Compare view receives it. */
export type CompareTableView = Jsonified<CompareTable>;

/** The methods' ranks across datasets (src/core/compare), as the Compare view receives them. */
export type RankSummaryView = Jsonified<RankSummary>;

/** The table rendered by the core renderers, for Copy and Save. */
export interface CompareTableTexts {
  markdown: string;
  latex: string;
  csv: string;
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
  /** The best validation epoch (the one fusion.jsonl holds); null before the first epoch. */
  bestEpoch: number | null;
  /** Scores of a re-evaluated checkpoint (null for fusion.jsonl: its scores are the summary's). */
  scores: { val: SplitScores; test: SplitScores; partial: boolean } | null;
}

export type EvalState = 'running' | 'done' | 'failed' | 'cancelled';

export type HostToWebview =
  /** `preview`: the tab is the run explorer's preview (kept in the state a window reload restores). */
  | { type: 'init'; view: DashboardView; runs: RunView[]; preview: boolean }
  /** The preview tab was pinned (a double-click, Enter or Open Dashboard on its run). */
  | { type: 'tabRole'; preview: boolean }
  /** Header data of the live view: state, the latest epoch's record and an estimate of the time left. */
  | { type: 'runUpdate'; run: RunView; latest: EpochRecord | null; etaSeconds: number | null }
  /** `requestId`: the `requestSeries` this answers; null for new epochs of the request being followed. */
  | { type: 'series'; requestId: number | null; frame: SeriesFrame }
  | { type: 'compareData'; groups: CompareGroup[] }
  /**
   * `requestId`: the `requestCompareTable` this answers; null when the runs changed. `tables`: one per
   * dataset; over two or more datasets `ranks` (or `ranksNote`, why none). `error`: why no table (then
   * `tables` is empty and `texts` null).
   */
  | {
      type: 'compareTable';
      requestId: number | null;
      tables: CompareTableView[];
      ranks: RankSummaryView | null;
      ranksNote: string | null;
      texts: CompareTableTexts | null;
      error: string | null;
    }
  /** `requestId`: the `evalCheckpoint` these records answer; null for the run's fusion.jsonl. */
  | { type: 'fusionRecords'; requestId: number | null; source: FusionSource; records: FusionRecord[] }
  | {
      type: 'evalProgress';
      requestId: number;
      runDir: string;
      epoch: number;
      state: EvalState;
      message: string;
    }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /** The run's resolved config (config.json), every value with its default; null when config.json is unreadable. */
  | { type: 'runConfig'; runDir: string; configFile: string | null; entries: ConfigEntry[] | null };

/** Upper bounds on what a webview may ask for: a message cannot make the host allocate without limit. */
export const LIMITS = {
  points: { min: 16, max: 8192 },
  textBytes: 5_000_000,
  pngBytes: 20_000_000,
  fileName: 120,
} as const;

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

const runDir = c.string;
/** Numbers the webview picks for its requests; answers carry it back (null: an update nobody asked for). */
const requestId = c.integer(0);
const epochBound = c.nullable(c.refine(c.number, (v) => v >= 0, 'an epoch ≥ 0 or null'));
const fileName = c.refine(c.string, (v) => safeFileName(v) !== null, 'a plain file name');

const exportFormat = c.literal('csv', 'markdown', 'latex');
export type ExportFormat = c.Infer<typeof exportFormat>;

const webviewToHost = c.tagged({
  ready: c.object({}),
  /** The webview drew a run up to `epoch` (lets the host, and tests, know an update arrived on screen). */
  rendered: c.object({ runDir, epoch: c.integer(0) }),
  stop: c.object({ runDir }),
  resume: c.object({ runDir }),
  /** Chart data for epochs [from, to] (null: all), at most about `points` points per series. */
  requestSeries: c.object({
    requestId,
    runDir,
    from: epochBound,
    to: epochBound,
    points: c.integer(LIMITS.points.min, LIMITS.points.max),
    smoothing: c.refine(c.number, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
  }),
  /** The comparison table at this split and epoch, rows tested against `reference` (null: the default). */
  requestCompareTable: c.object({
    requestId,
    metric: c.literal('test', 'val'),
    epoch: c.either(c.literal('best', 'last'), c.integer(1)),
    reference: c.nullable(c.refine(c.string, (v) => v.length <= 100, 'a method name')),
    /** Keys of the seed groups taken out of the comparison: the table is built over the others. */
    removed: c.optional(
      c.array(
        c.refine(c.string, (v) => v.length <= 1000, 'a seed group key'),
        200,
      ),
    ),
  }),
  requestFusion: c.object({ runDir }),
  /**
   * `reuse`: the answer of this panel's last evaluation of that checkpoint will do (a webview rebuilt after a
   * tab switch asks again for what it showed); absent, the checkpoint is evaluated afresh.
   */
  evalCheckpoint: c.object({ requestId, runDir, epoch: c.integer(1), reuse: c.optional(c.boolean) }),
  cancelEval: c.object({ runDir }),
  exportText: c.object({
    format: exportFormat,
    action: c.literal('save', 'copy'),
    fileName,
    content: c.refine(
      c.string,
      (v) => v.length <= LIMITS.textBytes,
      `at most ${LIMITS.textBytes} characters`,
    ),
  }),
  exportPng: c.object({
    fileName,
    dataUrl: c.refine(c.string, (v) => v.length <= LIMITS.pngBytes && PNG_DATA_URL.test(v), 'a PNG data URL'),
  }),
});

export type WebviewToHost = c.Infer<typeof webviewToHost>;

const dashboardState = c.object({
  view: dashboardView,
  runDirs: c.refine(c.array(c.string), (dirs) => dirs.length > 0, 'at least one run folder'),
  /** The run explorer's preview tab (the one a click on another run reuses); absent: a tab of its own. */
  preview: c.optional(c.boolean),
});

/** Persisted by the webview (`setState`) and handed back to the serializer after a window reload. */
export type DashboardState = c.Infer<typeof dashboardState>;

/**
 * The message when it is one the host understands, about a run this panel shows; else null (and the host
 * ignores it). A webview is untrusted input: a message cannot steer the host to an arbitrary folder.
 */
export function parseWebviewMessage(
  value: unknown,
  allowedRunDirs: ReadonlySet<string>,
): WebviewToHost | null {
  const decoded = c.decode(webviewToHost, value);
  if (!decoded.ok) return null;
  const message = decoded.value;
  if ('runDir' in message && !allowedRunDirs.has(message.runDir)) return null;
  if (message.type === 'requestSeries' && message.from !== null && message.to !== null) {
    if (message.from > message.to) return null;
  }
  return message;
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

export function parseDashboardState(value: unknown): DashboardState | null {
  const decoded = c.decode(dashboardState, value);
  return decoded.ok ? decoded.value : null;
}
