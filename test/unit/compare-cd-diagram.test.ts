// The Compare view over several datasets: the host's answer carries a table per dataset and the ranks (as
// JSON leaves them: an infinite F becomes null), and the critical-difference diagram's layout puts each
// method, group bar and the CD bar where the ranks say.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readRun } from '../../src/core/runs/reader';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import { compareTableFor } from '../../src/extension/dashboard/compareTable';
import type { RankSummaryView } from '../../src/protocol/dashboard';
import { rankTestsLine } from '../../src/shared/rankText';
import { cdLayout } from '../../webview/dashboard/logic/cdDiagram';
import { runConfig, summary } from './runs-fixtures';

async function runsOn(means: Record<string, Partial<Record<RunConfigRecord['method'], number>>>) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-cd-'));
  const dirs: string[] = [];
  for (const [dataset, byMethod] of Object.entries(means)) {
    for (const [method, fused] of Object.entries(byMethod)) {
      const name = `${dataset}-${method}`;
      const config = {
        ...runConfig(name, 0, `g-${name}`, { dataset: `/data/${dataset}/dataset.json` }),
        method: method as RunConfigRecord['method'],
      };
      const dir = path.join(root, `2026-01-01T00-00-00-000Z_${name}_s0`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
      fs.writeFileSync(
        path.join(dir, 'summary.json'),
        JSON.stringify({ ...summary(0, fused, fused, { a: 0.5, b: 0.4 }), method }),
      );
      dirs.push(dir);
    }
  }
  return Promise.all(dirs.map((d) => readRun(d)));
}

test('the Compare view gets a table per dataset and the ranks; an infinite F arrives as null and reads ∞', async () => {
  const runs = await runsOn({ a: { mla: 0.9, joint: 0.8 }, b: { mla: 0.7, joint: 0.6 } });
  const answer = compareTableFor(runs, { metric: 'test', epoch: 'best', reference: null });
  assert.equal(answer.error, null);
  assert.deepEqual(
    answer.tables.map((t) => [t.dataset, t.reference, t.rows.map((r) => r.method)]),
    [
      ['a', 'joint', ['mla', 'joint']],
      ['b', 'joint', ['mla', 'joint']],
    ],
  );
  const ranks = answer.ranks!;
  assert.deepEqual(
    ranks.methods.map((m) => [m.method, m.averageRank]),
    [
      ['mla', 1],
      ['joint', 2],
    ],
  );
  assert.equal(ranks.imanDavenport.f, null);
  assert.equal(
    rankTestsLine(ranks),
    'Friedman χ²=2.000, p=0.157; Iman–Davenport F=∞, p=<0.001; Nemenyi CD=1.386 (α=0.05, 2 methods, 2 datasets); groups: {mla, joint}',
  );
  assert.match(answer.texts!.markdown, /^## Dataset a$/m);
  assert.match(answer.texts!.markdown, /^Friedman χ²=2\.000, p=0\.157; /m);
  assert.match(answer.texts!.latex, /Iman--Davenport \$F_F = \\infty\$, \$p < 0\.001\$/);
  assert.match(answer.texts!.csv, /^iman_davenport_f,Infinity$/m);
});

test('CD diagram: axis 1…k, a tick per method joined to its name, group bars, the CD bar to scale', () => {
  // Three methods on four datasets (test/unit/compare-rank-summary.test.ts): ranks 1.125, 1.875, 3.
  const ranks = {
    datasets: ['alpha', 'beta', 'delta', 'gamma'],
    methods: [
      { method: 'mla', scores: [], ranks: [], averageRank: 1.125 },
      { method: 'joint', scores: [], ranks: [], averageRank: 1.875 },
      { method: 'ogm-ge', scores: [], ranks: [], averageRank: 3 },
    ],
    friedman: { chiSquare: 7.125, df: 2, p: 0.028 },
    imanDavenport: { f: 24.43, df1: 2, df2: 6, p: 0.0013 },
    nemenyi: { alpha: 0.05, q: 2.343, cd: 1.656751188320081 },
    groups: [
      ['mla', 'joint'],
      ['joint', 'ogm-ge'],
    ],
    leftOut: [],
  } satisfies RankSummaryView;
  const layout = cdLayout(ranks, 640);
  // Names take 160 px a side: ranks 1…3 span x 160…480, 160 px per rank.
  assert.deepEqual(layout.axis, { x1: 160, y1: 44, x2: 480, y2: 44 });
  assert.deepEqual(
    layout.ticks.filter((t) => t.label !== null).map((t) => [t.label, t.x]),
    [
      ['1', 160],
      ['2', 320],
      ['3', 480],
    ],
  );
  assert.equal(layout.ticks.length, 5);
  assert.equal(layout.cd!.line.x1, 160);
  assert.ok(Math.abs(layout.cd!.line.x2 - (160 + 1.656751188320081 * 160)) < 1e-9);
  assert.equal(layout.cd!.label.text, 'CD = 1.657');
  assert.deepEqual(
    layout.groups.map((g) => [g.x1, g.x2]),
    [
      [177, 303],
      [297, 483],
    ],
  );
  // The better half named on the left (best on top), the rest on the right (worst on top): no lines cross.
  assert.deepEqual(
    layout.methods.map((m) => [m.name, m.path[0].x, m.label.anchor, m.path[1].y, m.label.text]),
    [
      ['mla', 180, 'end', 80, 'mla (1.13)'],
      ['joint', 300, 'end', 98, 'joint (1.88)'],
      ['ogm-ge', 480, 'start', 80, 'ogm-ge (3.00)'],
    ],
  );
  assert.equal(layout.methods[0].path[2].x, 152);
  assert.equal(layout.methods[2].path[2].x, 488);
  assert.equal(layout.height, 110);
  // Without a CD (k > 10) there is no CD bar and no group bar.
  const none = cdLayout({ ...ranks, nemenyi: { alpha: 0.05, q: null, cd: null }, groups: [] });
  assert.equal(none.cd, null);
  assert.deepEqual(none.groups, []);
});
