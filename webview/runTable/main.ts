// The run table webview: every run the host sends, as rows per run or per seed group, with the columns,
// sort and filters the person chose (remembered across reloads), a metric-vs-parameter chart and CSV
// export. The row model is src/shared/runTable; this file wires it to the DOM.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
// Bundled into dist/webview/runTable.css, which the page links (the CSP allows no other style source).
import 'uplot/dist/uPlot.min.css';
import type { HostToRunTable } from '../../src/protocol/runTable';
import { columnsOf } from '../../src/shared/runTable/columns';
import { tableCsv } from '../../src/shared/runTable/csv';
import { differingColumns } from '../../src/shared/runTable/differing';
import { filterRows, filterRuns } from '../../src/shared/runTable/filter';
import { buildRows } from '../../src/shared/runTable/rows';
import { clickSort, sortRows } from '../../src/shared/runTable/sort';
import type { Column, TableRow, TableRun } from '../../src/shared/runTable/types';
import { defaultColumns, restoreViewState } from '../../src/shared/runTable/viewState';
import { onThemeChange } from '../dashboard/charts/theme';
import { el, notice } from '../dashboard/dom';
import { loadState, onMessage, post, saveState } from './api';
import { RunGrid } from './grid';
import { ScatterPanel } from './scatter';
import { Toolbar } from './toolbar';

const state = restoreViewState(loadState());
let runs: TableRun[] = [];
let columns: Column[] = [];
/** Rows before the row filters and the sort: rebuilt only when the runs, the mode or the run filter change. */
let built: { key: string; rows: TableRow[] } = { key: '', rows: [] };
let shown: TableRow[] = [];
let selected: TableRow[] = [];
let visible: Column[] = [];
let buildStamp = 0;

const app = document.getElementById('app')!;
const notices = el('div', { class: 'notices' });
const empty = el(
  'p',
  { class: 'empty', hidden: '' },
  'No runs in this workspace yet: train a config or run a sweep.',
);
const toolbar = new Toolbar(state, {
  changed: () => refresh(),
  exportCsv: () => exportCsv(),
  compare: () => act('compareSeeds'),
  open: () => act('openDashboard'),
  clearSelection: () => grid.clearSelection(),
});
const grid = new RunGrid({
  sort: (column, add) => {
    state.sort = clickSort(state.sort, column, add);
    refresh();
  },
  select: (rows) => {
    selected = rows;
    toolbar.select(runDirsOf(rows));
  },
  open: (row) => post({ type: 'openDashboard', runDirs: row.runDirs }),
  range: (column, min, max) => {
    state.ranges = without(state.ranges, column);
    if (min !== null || max !== null) state.ranges[column] = { min, max };
    refresh();
  },
  text: (column, text) => {
    state.text = without(state.text, column);
    if (text.trim() !== '') state.text[column] = text;
    refresh();
  },
});
const scatter = new ScatterPanel(state, () => refresh());
app.replaceChildren(notices, el('h1', {}, 'Runs'), toolbar.element, empty, grid.element, scatter.element);

function refresh(): void {
  saveState(state);
  const buildKey = `${buildStamp}|${state.mode}|${state.states.join(',')}|${state.methods.join(',')}`;
  if (buildKey !== built.key) {
    built = { key: buildKey, rows: buildRows(filterRuns(runs, state), columns, state.mode) };
  }
  shown = sortRows(filterRows(built.rows, state), state.sort);
  const byId = new Map(columns.map((c) => [c.id, c]));
  let ids = (state.columns ?? defaultColumns(columns)).filter((id) => byId.has(id));
  if (state.mode === 'group' && !ids.includes('run:n')) ids.splice(Math.min(2, ids.length), 0, 'run:n');
  if (state.onlyDiffering) ids = differingColumns(ids, shown);
  visible = ids.map((id) => byId.get(id)!);
  empty.hidden = runs.length > 0;
  toolbar.update(runs, columns, shown.length, built.rows.length);
  grid.update(shown, visible, state);
  scatter.update(shown, columns);
  post({ type: 'rendered', rows: shown.length });
}

function without<T>(map: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));
}

function runDirsOf(rows: readonly TableRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.runDirs))];
}

function act(type: 'compareSeeds' | 'openDashboard'): void {
  const runDirs = runDirsOf(selected);
  if (runDirs.length > 0) post({ type, runDirs });
}

function exportCsv(): void {
  post({ type: 'exportCsv', fileName: 'runs.csv', content: tableCsv(shown, visible, state.mode) });
}

onMessage((message: HostToRunTable) => {
  switch (message.type) {
    case 'runs':
      runs = message.runs;
      columns = columnsOf(runs);
      buildStamp++;
      refresh();
      return;
    case 'notice': {
      const note = notice(message.level, message.message);
      notices.append(note);
      setTimeout(() => note.remove(), message.level === 'error' ? 15000 : 6000);
      return;
    }
  }
});

onThemeChange(() => scatter.redraw());

post({ type: 'ready' });
