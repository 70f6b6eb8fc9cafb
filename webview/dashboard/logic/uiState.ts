// What the webview remembers across a window reload or a hidden tab (`setState`/`getState`): the view and
// its runs (the host's serializer reads these) and every choice the person made. Chart choices (smoothing,
// zoom, log scale) and the evaluated checkpoint are kept per run id: a panel that shows another run (the
// explorer's preview tab) and comes back finds each run as it was left.

import type { DashboardState } from '../../../src/protocol/dashboard';
import type { EpochChoice, Split } from './compare';
import { SAMPLE_LISTS, type SampleList } from './fusion';

/** The live view's chart choices for one run. */
export interface LiveChoice {
  smoothing: number;
  logLoss: boolean;
  from: number | null;
  to: number | null;
}

/** Runs whose choices one panel remembers; the least recently touched go first. */
export const REMEMBERED_RUNS = 50;

export interface UiState extends DashboardState {
  /** By run id. */
  live: Record<string, LiveChoice>;
  /**
   * `reference`: the method the table tests the other rows against (null: the default, joint); `removed`:
   * keys of the seed groups taken out of the comparison.
   */
  compare: { choice: EpochChoice; split: Split; reference: string | null; removed: string[] };
  fusion: {
    list: SampleList;
    sample: number | null;
    randomSeed: number;
    /** By run id: the kept checkpoint re-evaluated last (null or absent: fusion.jsonl's best epoch). */
    checkpoint: Record<string, number>;
  };
  config: { onlyDiffering: boolean };
}

export function defaultUi(base: DashboardState): UiState {
  return {
    ...base,
    live: {},
    compare: { choice: { kind: 'best' }, split: 'test', reference: null, removed: [] },
    fusion: { list: 'misclassified', sample: null, randomSeed: 0, checkpoint: {} },
    config: { onlyDiffering: false },
  };
}

/** Restores what is valid of a saved state over the defaults; anything malformed falls back. */
export function restoreUi(base: DashboardState, saved: unknown): UiState {
  const ui = defaultUi(base);
  if (typeof saved !== 'object' || saved === null) return ui;
  const s = saved as Partial<Record<keyof UiState, Record<string, unknown>>>;
  if (isRecord(s.live))
    for (const [runId, saved] of Object.entries(s.live).slice(-REMEMBERED_RUNS)) {
      const choice = restoreLiveChoice(saved);
      if (choice) ui.live[runId] = choice;
    }
  if (s.compare) {
    const c = s.compare.choice as { kind?: unknown; epoch?: unknown } | undefined;
    if (c?.kind === 'best' || c?.kind === 'last') ui.compare.choice = { kind: c.kind };
    else if (c?.kind === 'epoch' && Number.isInteger(c.epoch) && (c.epoch as number) >= 1)
      ui.compare.choice = { kind: 'epoch', epoch: c.epoch as number };
    if (s.compare.split === 'val' || s.compare.split === 'test') ui.compare.split = s.compare.split;
    const reference = s.compare.reference;
    if (typeof reference === 'string' && reference.length > 0 && reference.length <= 100)
      ui.compare.reference = reference;
    if (Array.isArray(s.compare.removed))
      ui.compare.removed = s.compare.removed.filter((k): k is string => typeof k === 'string').slice(0, 200);
  }
  if (s.fusion) {
    if (SAMPLE_LISTS.some((l) => l.id === s.fusion!.list)) ui.fusion.list = s.fusion.list as SampleList;
    if (Number.isInteger(s.fusion.sample) && (s.fusion.sample as number) >= 0)
      ui.fusion.sample = s.fusion.sample as number;
    if (Number.isInteger(s.fusion.randomSeed)) ui.fusion.randomSeed = s.fusion.randomSeed as number;
    if (isRecord(s.fusion.checkpoint))
      for (const [runId, epoch] of Object.entries(s.fusion.checkpoint).slice(-REMEMBERED_RUNS))
        if (Number.isInteger(epoch) && (epoch as number) >= 1) ui.fusion.checkpoint[runId] = epoch as number;
  }
  if (s.config) ui.config.onlyDiffering = s.config.onlyDiffering === true;
  return ui;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const bound = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;

/** One run's saved chart choices, what is valid of them; null when it is not an object. */
function restoreLiveChoice(saved: unknown): LiveChoice | null {
  if (!isRecord(saved)) return null;
  const choice = defaultLiveChoice();
  const sm = saved.smoothing;
  if (typeof sm === 'number' && sm >= 0 && sm < 1) choice.smoothing = sm;
  choice.logLoss = saved.logLoss === true;
  choice.from = bound(saved.from);
  choice.to = bound(saved.to);
  if (choice.from !== null && choice.to !== null && choice.from > choice.to) choice.from = choice.to = null;
  return choice;
}

export function defaultLiveChoice(): LiveChoice {
  return { smoothing: 0, logLoss: false, from: null, to: null };
}

/**
 * The chart choices of a run, created with the defaults the first time; the run moves to the newest place,
 * and past REMEMBERED_RUNS the least recently shown run is forgotten.
 */
export function liveChoiceOf(ui: UiState, runId: string): LiveChoice {
  const choice = ui.live[runId] ?? defaultLiveChoice();
  ui.live = touched(ui.live, runId, choice);
  return choice;
}

/** Remembers the checkpoint a run's fusion view evaluated (null: back to fusion.jsonl). */
export function rememberCheckpoint(ui: UiState, runId: string, epoch: number | null): void {
  ui.fusion.checkpoint = touched(ui.fusion.checkpoint, runId, epoch);
}

/** `byRun` with `runId` moved to the newest place (or left out for null), at most REMEMBERED_RUNS entries. */
function touched<T>(byRun: Record<string, T>, runId: string, value: T | null): Record<string, T> {
  const entries = Object.entries(byRun).filter(([id]) => id !== runId);
  if (value !== null) entries.push([runId, value]);
  return Object.fromEntries(entries.slice(-REMEMBERED_RUNS));
}
