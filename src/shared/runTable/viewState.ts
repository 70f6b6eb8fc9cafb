// What the run table remembers across a reload or a hidden tab (the webview's setState): rows per run or
// per seed group, the chosen columns, the sort, the filters and the chart's axes. A saved state is the
// webview's own, but it is still checked field by field: whatever is malformed falls back to its default.

import type { DisplayState } from '../../core/runs/types';
import type { SortKey } from './sort';
import type { Column, RowMode } from './types';

export interface ViewState {
  mode: RowMode;
  /** Column ids in the order shown; null: the default set for the runs at hand. */
  columns: string[] | null;
  onlyDiffering: boolean;
  sort: SortKey[];
  states: DisplayState[];
  methods: string[];
  ranges: Record<string, { min: number | null; max: number | null }>;
  text: Record<string, string>;
  chart: { x: string | null; y: string | null; logX: boolean };
}

const STATES: readonly DisplayState[] = ['running', 'completed', 'stopped', 'failed', 'stale', 'remote'];

export function defaultViewState(): ViewState {
  return {
    mode: 'run',
    columns: null,
    onlyDiffering: false,
    sort: [],
    states: [],
    methods: [],
    ranges: {},
    text: {},
    chart: { x: null, y: null, logX: false },
  };
}

export function restoreViewState(saved: unknown): ViewState {
  const state = defaultViewState();
  if (!isObject(saved)) return state;
  if (saved.mode === 'group') state.mode = 'group';
  if (Array.isArray(saved.columns)) state.columns = saved.columns.filter(isString);
  state.onlyDiffering = saved.onlyDiffering === true;
  if (Array.isArray(saved.sort))
    state.sort = saved.sort
      .filter((k): k is Record<string, unknown> => isObject(k) && isString(k.column))
      .map((k) => ({ column: k.column as string, descending: k.descending === true }));
  if (Array.isArray(saved.states))
    state.states = saved.states.filter((s): s is DisplayState => STATES.includes(s as DisplayState));
  if (Array.isArray(saved.methods)) state.methods = saved.methods.filter(isString);
  if (isObject(saved.ranges))
    for (const [column, r] of Object.entries(saved.ranges)) {
      if (!isObject(r)) continue;
      const bound = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      state.ranges[column] = { min: bound(r.min), max: bound(r.max) };
    }
  if (isObject(saved.text))
    for (const [column, t] of Object.entries(saved.text)) if (isString(t)) state.text[column] = t;
  if (isObject(saved.chart)) {
    const { x, y, logX } = saved.chart;
    state.chart = { x: isString(x) ? x : null, y: isString(y) ? y : null, logX: logX === true };
  }
  return state;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/**
 * Shown until the person picks: the run facts, every sweep axis, fused and per-modality validation
 * accuracy, fused test accuracy and the best epoch.
 */
export function defaultColumns(columns: readonly Column[]): string[] {
  const ids = new Set(columns.map((c) => c.id));
  const facts = columns.filter((c) => (c.source === 'run' && c.key !== 'n') || c.source === 'axis');
  const modalities = columns.filter((c) => c.source === 'metric' && /^val\.(?!fused$|macroF1$)/.test(c.key));
  return [
    ...facts.map((c) => c.id),
    ...['metric:val.fused', ...modalities.map((c) => c.id), 'metric:test.fused', 'metric:bestEpoch'].filter(
      (id) => ids.has(id),
    ),
  ];
}
