// Messages between the extension host and the dashboard webview. Both sides import these types; the host
// validates every message from the webview with `parseWebviewMessage` before acting on it (a webview is
// untrusted input: it renders data and could be driven by it).

import type { EpochRecord, FusionRecord, RunState, RunSummary } from '../core/runs/types';

/** What the dashboard shows. `run`: one run live; `compare`: a seed group; `fusion`: per-sample weights. */
export type DashboardView = 'run' | 'compare' | 'fusion';

/** How a run reads to a person: the file state, or `stale` when a `running` trainer is gone. */
export type DisplayState = RunState | 'stale' | 'remote';

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

export type HostToWebview =
  | { type: 'init'; view: DashboardView; runs: RunView[]; records: Record<string, EpochRecord[]> }
  | { type: 'runUpdate'; run: RunView; newRecords: EpochRecord[]; reset: boolean }
  | { type: 'fusionRecords'; runDir: string; epoch: number; records: FusionRecord[] }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  /** The webview drew a run up to `epoch` (lets the host, and tests, know an update arrived on screen). */
  | { type: 'rendered'; runDir: string; epoch: number }
  | { type: 'stop'; runDir: string }
  | { type: 'resume'; runDir: string }
  | { type: 'requestFusion'; runDir: string };

/** Persisted by the webview (`setState`) and handed back to the serializer after a window reload. */
export interface DashboardState {
  view: DashboardView;
  runDirs: string[];
}

/** Returns the message when it is one the host understands, else null (and the host ignores it). */
export function parseWebviewMessage(
  value: unknown,
  allowedRunDirs: ReadonlySet<string>,
): WebviewToHost | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'rendered':
      return typeof m.runDir === 'string' && allowedRunDirs.has(m.runDir) && Number.isInteger(m.epoch)
        ? { type: 'rendered', runDir: m.runDir, epoch: m.epoch as number }
        : null;
    case 'stop':
    case 'resume':
    case 'requestFusion':
      // Only runs this panel shows: a message cannot steer the host to an arbitrary folder.
      return typeof m.runDir === 'string' && allowedRunDirs.has(m.runDir)
        ? { type: m.type, runDir: m.runDir }
        : null;
    default:
      return null;
  }
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
