// The Compare view's table end to end on the host and in the webview's logic: real run folders read by the
// run store, the compare controller answering the webview's request with the table `mla compare` builds
// (and its core Markdown / LaTeX / CSV), and what the view shows and hovers for each row.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildCompareTable } from '../../src/core/compare/build-table';
import { renderMarkdown } from '../../src/core/compare/render-markdown';
import { readRun } from '../../src/core/runs/reader';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import { CompareController } from '../../src/extension/dashboard/views/compareController';
import { PanelTransport } from '../../src/extension/dashboard/transport';
import { RunStore } from '../../src/extension/runStore';
import type { HostToWebview } from '../../src/protocol/dashboard';
import {
  cellMeanStd,
  cellTitle,
  diffText,
  rankClass,
  referenceChoices,
  seedValues,
  tableRequest,
  testSummary,
} from '../../webview/dashboard/logic/compareTable';
import { tempDir } from '../support/training';
import { epochRecord, runConfig, summary } from './runs-fixtures';

type TableMessage = Extract<HostToWebview, { type: 'compareTable' }>;

let workspace: string;
let store: RunStore;

/** A finished run: config.json, two epochs in metrics.jsonl, summary.json with these best-epoch figures. */
function writeRun(
  name: string,
  method: RunConfigRecord['method'],
  seed: number,
  fused: number,
  unimodal: Record<string, number>,
  change: (c: RunConfigRecord) => void = () => {},
): string {
  const config: RunConfigRecord = { ...runConfig(name, seed, `2026-01-01T00-00-00-000Z-${name}`), method };
  change(config);
  const dir = path.join(workspace, 'runs', `2026-01-01T00-00-0${seed}-000Z_${name}_s${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(
    path.join(dir, 'metrics.jsonl'),
    [epochRecord(1, 0.5), epochRecord(2, fused)].map((r) => JSON.stringify(r) + '\n').join(''),
  );
  fs.writeFileSync(
    path.join(dir, 'summary.json'),
    JSON.stringify({ ...summary(seed, fused, fused - 0.01, unimodal), method }),
  );
  return dir;
}

/** MLA (the runs the view opens on), joint on the same three seeds, and a bigger-batch MLA config. */
async function fixture(): Promise<{ mla: string[]; all: string[] }> {
  const mla = [0.93, 0.94, 0.97].map((f, s) =>
    writeRun('toy-mla', 'mla', s, f, { a: 0.81 + s / 50, b: 0.6 }),
  );
  const joint = [0.9, 0.92, 0.94].map((f, s) => writeRun('toy-joint', 'joint', s, f, { a: 0.8, b: 0.4 }));
  const big = [0.99].map((f, s) =>
    writeRun('toy-big', 'mla', s, f, { a: 0.9, b: 0.7 }, (c) => {
      c.training.batchSize = 32;
    }),
  );
  await store.rescan();
  return { mla, all: [...mla, ...joint, ...big] };
}

function controllerOn(runDirs: string[]): { controller: CompareController; posted: HostToWebview[] } {
  const posted: HostToWebview[] = [];
  const transport = new PanelTransport({
    postMessage: (m: HostToWebview) => {
      posted.push(m);
      return Promise.resolve(true);
    },
  } as never);
  transport.ready = true;
  const controller = new CompareController({ transport, store, runDirs, trainerScript: '' });
  return { controller, posted };
}

async function ask(
  controller: CompareController,
  posted: HostToWebview[],
  requestId: number,
  rest: Omit<
    Extract<Parameters<CompareController['handle']>[0], { type: 'requestCompareTable' }>,
    'type' | 'requestId'
  >,
): Promise<TableMessage> {
  assert.equal(await controller.handle({ type: 'requestCompareTable', requestId, ...rest }), true);
  const answer = posted.at(-1) as TableMessage;
  assert.equal(answer.type, 'compareTable');
  assert.equal(answer.requestId, requestId);
  return answer;
}

beforeEach(() => {
  editor.reset();
  workspace = tempDir('compare-view');
  editor.setFolders([workspace]);
  editor.settings.set('mla.runsDirectory', 'runs');
  store = new RunStore();
});

afterEach(() => {
  store.dispose();
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('Compare view table', () => {
  it('answers a request with the table mla compare builds, its core Markdown, and the other protocol marked', async () => {
    const { mla } = await fixture();
    const { controller, posted } = controllerOn(mla);
    const answer = await ask(controller, posted, 7, { metric: 'test', epoch: 'best', reference: null });
    assert.equal(answer.error, null);
    // One dataset: one table, no ranks across datasets.
    assert.equal(answer.tables.length, 1);
    assert.equal(answer.ranks, null);
    const table = answer.tables[0];
    assert.equal(table.reference, 'joint');
    assert.deepEqual(table.columns, ['a', 'b', 'fused']);
    assert.deepEqual(
      table.rows.map((r) => [r.label, r.seeds.join(' ')]),
      [
        ['toy-mla (mla)', '0 1 2'],
        ['toy-big (mla)', '0'],
        ['toy-joint (joint)', '0 1 2'],
      ],
    );
    const [mlaRow, bigRow, jointRow] = table.rows;
    // mla − joint per seed: 0.03, 0.02, 0.03 → t = 8 with 2 degrees of freedom, one test so Holm = raw p.
    assert.ok(Math.abs(mlaRow.test!.t! - 8) < 1e-6);
    assert.ok(Math.abs(mlaRow.test!.p! - (1 - 8 / Math.sqrt(66))) < 1e-9);
    assert.equal(mlaRow.test!.pHolm, mlaRow.test!.p);
    assert.equal(bigRow.mismatch, "protocol differs from the reference's: training/batchSize: 16 vs 32");
    assert.equal(bigRow.test, null);
    // The big-batch row has the highest figures, but another protocol: MLA keeps the bold, joint is second.
    assert.deepEqual(
      table.rows.map((r) => r.cells.fused.rank),
      [1, 0, 2],
    );
    // One seed's std is undefined: it arrives as null (what JSON carries), and the view shows no "± 0".
    assert.equal(bigRow.cells.fused.std, null);
    assert.equal(cellMeanStd(bigRow.cells.fused), '99.0');
    const runs = await Promise.all(table.rows.flatMap((r) => r.runDirs).map((d) => readRun(d)));
    const core = buildCompareTable(runs, { metric: 'test', epoch: 'best', problems: 'mark' });
    assert.equal(answer.texts!.markdown, renderMarkdown(core));
    assert.match(answer.texts!.latex, /^\\begin\{table\}\[t\]\n/);
    assert.match(answer.texts!.latex, /^toy-big \(mla\) \(protocol differs\) & /m);
    assert.equal(answer.texts!.csv.split('\n')[0].split(',')[0], 'config');

    // What the view shows and hovers.
    assert.equal(cellMeanStd(mlaRow.cells.fused), '94.7 ± 2.1');
    assert.equal(seedValues(mlaRow, 'fused'), 's0 93.0 · s1 94.0 · s2 97.0');
    assert.equal(rankClass(mlaRow.cells.fused), 'rank-best');
    assert.equal(rankClass(jointRow.cells.fused), 'rank-second');
    assert.equal(rankClass(bigRow.cells.fused), '');
    assert.equal(diffText(table, mlaRow), '+2.7 [1.2, 4.1]');
    assert.equal(diffText(table, jointRow), 'reference');
    assert.equal(diffText(table, bigRow), 'protocol differs: no test');
    assert.equal(
      cellTitle(table, mlaRow, 'fused'),
      [
        'n = 3: s0 93.0 · s1 94.0 · s2 97.0',
        'Multimodal vs joint: Δ +2.7 pp, 95% CI [1.2, 4.1]',
        'paired t(2) = 8.00 over seeds 0, 1, 2',
        'p = 0.015, Holm-corrected p = 0.015',
      ].join('\n'),
    );
    assert.equal(
      testSummary(table, bigRow),
      "Not ranked, not tested: protocol differs from the reference's: training/batchSize: 16 vs 32.",
    );
    assert.deepEqual(referenceChoices(table), ['mla', 'joint']);
    controller.dispose();
  });

  it('follows the reference, split and epoch asked for; an unknown reference falls back; a missing epoch is named per seed', async () => {
    const { mla } = await fixture();
    const { controller, posted } = controllerOn(mla);
    const request = tableRequest({ choice: { kind: 'best' }, split: 'test', reference: 'mla', removed: [] });
    assert.deepEqual(request, { metric: 'test', epoch: 'best', reference: 'mla', removed: [] });
    const byMla = (await ask(controller, posted, 1, request)).tables[0];
    assert.equal(byMla.reference, 'mla');
    // Two mla rows: the first (toy-mla) is the reference; joint is tested against it, the difference negated.
    const joint = byMla.rows.find((r) => r.method === 'joint')!;
    assert.ok(Math.abs(joint.test!.meanDiff! + 0.08 / 3) < 1e-12);
    assert.equal(diffText(byMla, joint), '-2.7 [-4.1, -1.2]');

    const gone = await ask(controller, posted, 2, { metric: 'val', epoch: 'last', reference: 'gblending' });
    assert.equal(gone.tables[0].reference, 'joint');
    assert.equal(gone.tables[0].metric, 'val');
    // val = test − 0.01 in the summaries; "last" reads the summary's last figures.
    assert.ok(Math.abs(gone.tables[0].rows[0].cells.fused.mean! - (0.92 + 0.93 + 0.96) / 3) < 1e-12);

    const epoch2 = await ask(
      controller,
      posted,
      3,
      tableRequest({ choice: { kind: 'epoch', epoch: 2 }, split: 'test', reference: null, removed: [] }),
    );
    assert.deepEqual(epoch2.tables[0].rows[0].cells.fused.values, [0.93, 0.94, 0.97]);
    const epoch9 = await ask(controller, posted, 4, { metric: 'test', epoch: 9, reference: null });
    const row = epoch9.tables[0].rows[0];
    assert.equal(row.cells.fused.n, 0);
    assert.equal(cellMeanStd(row.cells.fused), '–');
    assert.equal(
      row.note,
      'one seed: no test; seed 0: no epoch 9 in metrics.jsonl (it has 2); seed 1: no epoch 9 in metrics.jsonl (it has 2); seed 2: no epoch 9 in metrics.jsonl (it has 2)',
    );
    controller.dispose();
  });

  it('sends no table before the webview asks, and the table again (unasked) when the runs change', async () => {
    const { mla } = await fixture();
    const { controller, posted } = controllerOn(mla);
    controller.sendAll();
    assert.deepEqual(
      posted.map((m) => m.type),
      ['compareData'],
    );
    await ask(controller, posted, 5, { metric: 'test', epoch: 'best', reference: null });
    posted.length = 0;
    fs.appendFileSync(path.join(mla[0], 'metrics.jsonl'), JSON.stringify(epochRecord(3, 0.99)) + '\n');
    await store.refresh(mla[0]);
    controller.sendAll();
    assert.deepEqual(
      posted.map((m) => [m.type, m.type === 'compareTable' ? m.requestId : '']),
      [
        ['compareData', ''],
        ['compareTable', null],
      ],
    );
    controller.dispose();
  });

  it('builds the table over the configs not removed, and keeps leaving them out when the runs change', async () => {
    const { mla } = await fixture();
    const { controller, posted } = controllerOn(mla);
    controller.sendAll();
    const data = posted.find((m) => m.type === 'compareData')!;
    assert.equal(data.type, 'compareData');
    const joint = data.groups.find((g) => g.method === 'joint')!;
    const all = await ask(controller, posted, 6, { metric: 'test', epoch: 'best', reference: null });
    assert.deepEqual(
      all.tables[0].rows.map((r) => r.config),
      ['toy-mla', 'toy-big', 'toy-joint'],
    );
    const without = await ask(controller, posted, 7, {
      metric: 'test',
      epoch: 'best',
      reference: null,
      removed: [joint.key],
    });
    assert.deepEqual(
      without.tables[0].rows.map((r) => r.config),
      ['toy-mla', 'toy-big'],
    );
    // No joint row: no default reference; toy-big's other batch size still marks it, out of the ranks.
    assert.equal(without.tables[0].reference, null);
    const [mlaRow, bigRow] = without.tables[0].rows;
    assert.ok(Math.abs(mlaRow.cells.fused.mean! - (0.93 + 0.94 + 0.97) / 3) < 1e-12);
    assert.match(bigRow.mismatch ?? '', /batchSize: 16 vs 32/);
    assert.equal(bigRow.cells.fused.rank, 0);
    assert.ok(!without.texts!.markdown.includes('toy-joint'));
    posted.length = 0;
    fs.appendFileSync(path.join(mla[0], 'metrics.jsonl'), JSON.stringify(epochRecord(3, 0.99)) + '\n');
    await store.refresh(mla[0]);
    controller.sendAll();
    const resent = posted.find((m) => m.type === 'compareTable')!;
    assert.equal(resent.type, 'compareTable');
    assert.deepEqual(
      resent.tables[0].rows.map((r) => r.config),
      ['toy-mla', 'toy-big'],
    );
    controller.dispose();
  });
});
