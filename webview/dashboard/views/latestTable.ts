// The latest epoch's figures per modality, as a table (also what screen readers get instead of charts).

import type { EpochRecord, RunView } from '../../../src/protocol/dashboard';
import { el } from '../dom';
import { num, pct } from '../logic/format';

export function latestTable(run: RunView, r: EpochRecord): HTMLElement {
  const table = el('vscode-table', {
    zebra: '',
    'bordered-rows': '',
    'aria-label': `epoch ${r.epoch} figures`,
    'data-epoch': String(r.epoch),
    class: 'latest-table',
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
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'p',
      { class: 'caption' },
      `Epoch ${r.epoch}: lr ${r.lr.toExponential(1)}, ${Math.round(r.samplesPerSecond)} samples/s, macro-F1 ${num(r.test.macroF1, 3)}`,
    ),
    table,
  );
}

function row(label: string, cells: string[]): HTMLElement {
  const tr = el('vscode-table-row', { 'data-row': label });
  tr.append(el('vscode-table-cell', {}, label));
  for (const c of cells) tr.append(el('vscode-table-cell', {}, c));
  return tr;
}
