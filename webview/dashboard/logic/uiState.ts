// What the webview remembers across a window reload or a hidden tab (`setState`/`getState`): the view and
// its runs (the host's serializer reads these) and every choice the person made.

import type { DashboardState } from '../../../src/protocol/dashboard';
import type { EpochChoice, Split } from './compare';
import { SAMPLE_LISTS, type SampleList } from './fusion';

export interface UiState extends DashboardState {
  live: { smoothing: number; logLoss: boolean; from: number | null; to: number | null };
  compare: { choice: EpochChoice; split: Split };
  fusion: { list: SampleList; sample: number | null; randomSeed: number };
  config: { onlyDiffering: boolean };
}

export function defaultUi(base: DashboardState): UiState {
  return {
    ...base,
    live: { smoothing: 0, logLoss: false, from: null, to: null },
    compare: { choice: { kind: 'best' }, split: 'test' },
    fusion: { list: 'misclassified', sample: null, randomSeed: 0 },
    config: { onlyDiffering: false },
  };
}

/** Restores what is valid of a saved state over the defaults; anything malformed falls back. */
export function restoreUi(base: DashboardState, saved: unknown): UiState {
  const ui = defaultUi(base);
  if (typeof saved !== 'object' || saved === null) return ui;
  const s = saved as Partial<Record<keyof UiState, Record<string, unknown>>>;
  const bound = (v: unknown): number | null =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
  if (s.live) {
    const sm = s.live.smoothing;
    if (typeof sm === 'number' && sm >= 0 && sm < 1) ui.live.smoothing = sm;
    ui.live.logLoss = s.live.logLoss === true;
    ui.live.from = bound(s.live.from);
    ui.live.to = bound(s.live.to);
    if (ui.live.from !== null && ui.live.to !== null && ui.live.from > ui.live.to)
      ui.live.from = ui.live.to = null;
  }
  if (s.compare) {
    const c = s.compare.choice as { kind?: unknown; epoch?: unknown } | undefined;
    if (c?.kind === 'best' || c?.kind === 'last') ui.compare.choice = { kind: c.kind };
    else if (c?.kind === 'epoch' && Number.isInteger(c.epoch) && (c.epoch as number) >= 1)
      ui.compare.choice = { kind: 'epoch', epoch: c.epoch as number };
    if (s.compare.split === 'val' || s.compare.split === 'test') ui.compare.split = s.compare.split;
  }
  if (s.fusion) {
    if (SAMPLE_LISTS.some((l) => l.id === s.fusion!.list)) ui.fusion.list = s.fusion.list as SampleList;
    if (Number.isInteger(s.fusion.sample) && (s.fusion.sample as number) >= 0)
      ui.fusion.sample = s.fusion.sample as number;
    if (Number.isInteger(s.fusion.randomSeed)) ui.fusion.randomSeed = s.fusion.randomSeed as number;
  }
  if (s.config) ui.config.onlyDiffering = s.config.onlyDiffering === true;
  return ui;
}
