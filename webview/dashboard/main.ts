// Dashboard shell: the run's header (state, method, backend, seed, epoch) with Stop / Resume, and the latest
// epoch's figures per modality, updated as the trainer writes them.

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import type { EpochRecord } from '../../src/core/runs/types';
import type { DashboardView, HostToWebview, RunView } from '../../src/protocol/dashboard';
import { onMessage, post, saveState } from './vscodeApi';

const app = document.getElementById('app')!;
let view: DashboardView = 'run';
const runs = new Map<string, RunView>();
const records = new Map<string, EpochRecord[]>();

onMessage((message: HostToWebview) => {
  switch (message.type) {
    case 'init':
      view = message.view;
      runs.clear();
      records.clear();
      for (const run of message.runs) {
        runs.set(run.runDir, run);
        records.set(run.runDir, message.records[run.runDir] ?? []);
      }
      saveState({ view, runDirs: message.runs.map((r) => r.runDir) });
      render();
      return;
    case 'runUpdate': {
      runs.set(message.run.runDir, message.run);
      const list = message.reset ? [] : (records.get(message.run.runDir) ?? []);
      records.set(message.run.runDir, [...list, ...message.newRecords]);
      render();
      return;
    }
    case 'notice':
      showNotice(message.level, message.message);
      return;
    case 'fusionRecords':
      return;
  }
});

post({ type: 'ready' });

function render(): void {
  app.replaceChildren(...[...runs.values()].map((run) => renderRun(run, records.get(run.runDir) ?? [])));
  for (const run of runs.values()) {
    const last = records.get(run.runDir)?.at(-1);
    post({ type: 'rendered', runDir: run.runDir, epoch: last?.epoch ?? 0 });
  }
}

function renderRun(run: RunView, recs: EpochRecord[]): HTMLElement {
  const section = el('section', {
    class: 'run',
    'data-run-dir': run.runDir,
    'aria-label': `${run.name} seed ${run.seed ?? '?'}`,
  });
  const header = el('header', { class: 'run-header' });
  header.append(
    el('h1', {}, `${run.name}`),
    badge(run.state),
    el('span', { class: 'meta' }, `${run.method} · ${run.backend} · seed ${run.seed ?? '?'}`),
    el('span', { class: 'meta', 'data-field': 'epoch' }, `epoch ${recs.at(-1)?.epoch ?? 0}/${run.epochs}`),
  );
  if (run.state === 'running')
    header.append(button('Stop', () => post({ type: 'stop', runDir: run.runDir })));
  if (run.state === 'stopped' || run.state === 'failed' || run.state === 'stale') {
    header.append(button('Resume', () => post({ type: 'resume', runDir: run.runDir })));
  }
  section.append(header);
  if (run.stateDetail) section.append(el('p', { class: 'detail' }, run.stateDetail));
  const last = recs.at(-1);
  if (!last) {
    section.append(el('p', { class: 'empty' }, 'No finished epoch yet.'));
    return section;
  }
  section.append(metricsTable(run, last));
  if (view !== 'run')
    section.append(
      el(
        'p',
        { class: 'detail' },
        `The ${view === 'compare' ? 'seed comparison' : 'fusion inspector'} view opens here.`,
      ),
    );
  return section;
}

function metricsTable(run: RunView, r: EpochRecord): HTMLElement {
  const table = el('vscode-table', {
    zebra: '',
    'bordered-rows': '',
    'aria-label': `epoch ${r.epoch} figures`,
    'data-epoch': String(r.epoch),
  });
  const head = el('vscode-table-header', { slot: 'header' });
  for (const h of ['', 'train loss', 'train acc', 'val acc', 'test acc', 'fusion weight'])
    head.append(el('vscode-table-header-cell', {}, h));
  const body = el('vscode-table-body', { slot: 'body' });
  const modalities = run.modalities.length > 0 ? run.modalities : Object.keys(r.test.unimodal);
  for (const m of modalities) {
    body.append(
      row(m, [
        num(r.train.loss[m], 3),
        pct(r.train.acc[m]),
        pct(r.val.unimodal[m]),
        pct(r.test.unimodal[m]),
        r.fusionWeights[m] !== undefined ? num(r.fusionWeights[m], 3) : '–',
      ]),
    );
  }
  body.append(
    row('fused', [num(r.train.fusedLoss, 3), pct(r.train.fusedAcc), pct(r.val.fused), pct(r.test.fused), '']),
  );
  table.append(head, body);
  const wrap = el('div', { class: 'table-wrap' });
  wrap.append(
    el(
      'p',
      { class: 'caption' },
      `Epoch ${r.epoch}: lr ${r.lr.toExponential(1)}, ${Math.round(r.samplesPerSecond)} samples/s, macro-F1 ${num(r.test.macroF1, 3)}`,
    ),
    table,
  );
  return wrap;
}

function row(label: string, cells: string[]): HTMLElement {
  const tr = el('vscode-table-row', { 'data-row': label });
  tr.append(el('vscode-table-cell', {}, label));
  for (const c of cells) tr.append(el('vscode-table-cell', {}, c));
  return tr;
}

function badge(state: string): HTMLElement {
  return el(
    'vscode-badge',
    { class: `state state-${state}`, 'data-field': 'state', variant: 'counter' },
    state,
  );
}

function button(label: string, onClick: () => void): HTMLElement {
  const b = el('vscode-button', { secondary: '' }, label);
  b.addEventListener('click', onClick);
  return b;
}

function showNotice(level: 'info' | 'error', text: string): void {
  const note = el(
    'p',
    { class: `notice notice-${level}`, role: level === 'error' ? 'alert' : 'status' },
    text,
  );
  app.prepend(note);
  setTimeout(() => note.remove(), 8000);
}

function el(tag: string, attrs: Record<string, string>, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function pct(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–';
}

function num(v: number | null | undefined, digits: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}
