// Ranks across datasets (Demšar 2006): average ranks with ties, Friedman's χ², Iman–Davenport's F, their
// p-values, Nemenyi's CD and the groups it cannot tell apart, on hand-made run folders of four datasets and on
// the paper's own worked example; and every output format, and one dataset giving exactly the table as before.
// Expected figures were computed independently with SciPy 1.17 (scipy.stats.rankdata, chi2.sf, f.sf).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildCompareReport } from '../../src/core/compare/build-report';
import { buildCompareTable } from '../../src/core/compare/build-table';
import { collectRuns } from '../../src/core/compare/collect-runs';
import { friedmanTest, imanDavenportTest } from '../../src/core/compare/friedman';
import { nemenyiTest, notDifferentRuns } from '../../src/core/compare/nemenyi';
import { ranksHighestFirst } from '../../src/core/compare/rank-values';
import { COMPARE_FORMATS, renderReport, renderTable } from '../../src/core/compare/render';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import { runConfig, summary } from './runs-fixtures';

type Method = RunConfigRecord['method'];

const close = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

/** Two seeds per method and dataset whose fused test accuracies average `mean` (the same two for a tie). */
function writeRuns(
  runsDir: string,
  dataset: string,
  method: Method,
  mean: number,
  name = `${dataset}-${method}`,
): void {
  for (const [seed, fused] of [
    [0, mean - 0.01],
    [1, mean + 0.01],
  ]) {
    const config: RunConfigRecord = {
      ...runConfig(name, seed, `g-${name}`, { dataset: `/data/${dataset}/dataset.json` }),
      method,
    };
    const dir = path.join(runsDir, `2026-01-01T00-00-0${seed}-000Z_${name}_s${seed}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    fs.writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({ ...summary(seed, fused, fused - 0.01, { a: 0.5, b: 0.4 }), method }),
    );
  }
}

/**
 * mla, joint and ogm-ge on four datasets; on `beta` mla and joint tie. Ranks (1 best): alpha 1, 2, 3;
 * beta 1.5, 1.5, 3; gamma 1, 2, 3; delta 1, 2, 3, so the averages are 1.125, 1.875, 3.
 */
const MEANS: Record<string, Partial<Record<Method, number>>> = {
  alpha: { mla: 0.9, joint: 0.85, 'ogm-ge': 0.8 },
  beta: { mla: 0.88, joint: 0.88, 'ogm-ge': 0.7 },
  gamma: { mla: 0.91, joint: 0.8, 'ogm-ge': 0.7 },
  delta: { mla: 0.95, joint: 0.9, 'ogm-ge': 0.85 },
};

function fixture(means = MEANS): string {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-ranks-'));
  for (const [dataset, byMethod] of Object.entries(means)) {
    for (const [method, mean] of Object.entries(byMethod))
      writeRuns(runsDir, dataset, method as Method, mean);
  }
  return runsDir;
}

const OPTIONS = { metric: 'test', epoch: 'best' } as const;

test("Friedman, Iman–Davenport and Nemenyi reproduce Demšar's (2006, §3.2.2) worked example", () => {
  // Four classifiers on 14 datasets; the paper prints χ²_F = 9.28, F_F = 3.69 and CD = 1.25.
  const friedman = friedmanTest([3.143, 2.0, 2.893, 1.964], 14);
  close(friedman.chiSquare, 9.2836296);
  assert.equal(friedman.df, 3);
  close(friedman.p, 0.025748158001561782);
  assert.equal(friedman.chiSquare.toFixed(2), '9.28');
  const id = imanDavenportTest(friedman, 14);
  close(id.f, 3.688892848578326);
  assert.deepEqual([id.df1, id.df2], [3, 39]);
  close(id.p, 0.019767760040617754);
  assert.equal(id.f.toFixed(2), '3.69');
  const nemenyi = nemenyiTest(4, 14);
  assert.equal(nemenyi.q, 2.569);
  close(nemenyi.cd!, 1.2535436437023908);
  assert.equal(nemenyi.cd!.toFixed(2), '1.25');
});

test('Nemenyi: the maximal runs under the CD, a method apart from the others alone; no CD beyond k = 10', () => {
  assert.deepEqual(notDifferentRuns([1, 1.5, 3], 1), [
    [0, 1],
    [2, 2],
  ]);
  assert.deepEqual(notDifferentRuns([1, 2, 3], 1.5), [
    [0, 1],
    [1, 2],
  ]);
  // A spread of exactly the CD is a significant difference (Demšar: "differ by at least the CD").
  assert.deepEqual(notDifferentRuns([1, 2], 1), [
    [0, 0],
    [1, 1],
  ]);
  assert.deepEqual(notDifferentRuns([1, 1.2, 1.4], 2), [[0, 2]]);
  assert.deepEqual(nemenyiTest(11, 5), { alpha: 0.05, q: null, cd: null });
});

test('ranks: highest first, ties averaged, float noise in the last bits is a tie', () => {
  assert.deepEqual(ranksHighestFirst([0.8, 0.9, 0.7, 0.9]), [3, 1.5, 4, 1.5]);
  // 0.1 + 0.2 is 0.30000000000000004: the same accuracy summed in another order.
  assert.deepEqual(ranksHighestFirst([0.1 + 0.2, 0.3, 0.1]), [1.5, 1.5, 3]);
  assert.deepEqual(ranksHighestFirst([0.5, 0.5, 0.5]), [2, 2, 2]);
  assert.throws(() => ranksHighestFirst([0.5, NaN]), /ranks: expected finite scores/);
});

test('three methods on four datasets with a tie: ranks, Friedman, Iman–Davenport, CD and groups', async () => {
  const report = buildCompareReport(await collectRuns([fixture()]), OPTIONS);
  assert.deepEqual(
    report.tables.map((t) => t.dataset),
    ['alpha', 'beta', 'delta', 'gamma'].sort(),
  );
  const ranks = report.ranks!;
  assert.equal(report.ranksNote, null);
  assert.deepEqual(ranks.datasets, ['alpha', 'beta', 'delta', 'gamma']);
  assert.deepEqual(
    ranks.methods.map((m) => [m.method, m.averageRank, m.ranks]),
    [
      ['mla', 1.125, [1, 1.5, 1, 1]],
      ['joint', 1.875, [2, 1.5, 2, 2]],
      ['ogm-ge', 3, [3, 3, 3, 3]],
    ],
  );
  ranks.methods[0].scores.forEach((s, d) => close(s, [0.9, 0.88, 0.95, 0.91][d], 1e-12));
  close(ranks.friedman.chiSquare, 7.125);
  assert.equal(ranks.friedman.df, 2);
  close(ranks.friedman.p, 0.028367816449713094);
  close(ranks.imanDavenport.f, 24.428571428571427);
  assert.deepEqual([ranks.imanDavenport.df1, ranks.imanDavenport.df2], [2, 6]);
  close(ranks.imanDavenport.p, 0.001308441162109375);
  assert.equal(ranks.nemenyi.q, 2.343);
  close(ranks.nemenyi.cd!, 1.656751188320081);
  // mla–ogm-ge spans 1.875 ≥ CD; mla–joint (0.75) and joint–ogm-ge (1.125) do not.
  assert.deepEqual(ranks.groups, [
    ['mla', 'joint'],
    ['joint', 'ogm-ge'],
  ]);
  assert.deepEqual(ranks.leftOut, []);
  // Each dataset's table is the one `mla compare` builds for that dataset alone.
  for (const table of report.tables) assert.equal(table.reference, 'joint');
});

test('every method ranks alike on every dataset: F is infinite and its p is 0', async () => {
  const means = { a: { mla: 0.9, joint: 0.8 }, b: { mla: 0.7, joint: 0.6 } };
  const ranks = buildCompareReport(await collectRuns([fixture(means)]), OPTIONS).ranks!;
  close(ranks.friedman.chiSquare, 2);
  close(ranks.friedman.p, 0.15729920705028502);
  assert.equal(ranks.imanDavenport.f, Infinity);
  assert.equal(ranks.imanDavenport.p, 0);
  assert.match(
    renderReport({ tables: [], ranks, ranksNote: null }, 'markdown'),
    /Iman–Davenport F=∞, p=<0\.001/,
  );
});

test('a method missing on a dataset is left out and named; two rows of one method on a dataset: no ranks', async () => {
  const partial = { ...MEANS, gamma: { mla: 0.91, joint: 0.8 } };
  const report = buildCompareReport(await collectRuns([fixture(partial)]), OPTIONS);
  assert.deepEqual(
    report.ranks!.methods.map((m) => m.method),
    ['mla', 'joint'],
  );
  assert.deepEqual(report.ranks!.leftOut, ['ogm-ge: no ranked row on gamma']);
  assert.match(renderReport(report, 'markdown'), /^Not ranked: ogm-ge: no ranked row on gamma\.$/m);

  const runsDir = fixture({ alpha: { mla: 0.9, joint: 0.8 }, beta: { mla: 0.7, joint: 0.6 } });
  // A second mla config on alpha: another name, the same method.
  writeRuns(runsDir, 'alpha', 'mla', 0.5, 'alpha-mla-wide');
  const twice = buildCompareReport(await collectRuns([runsDir]), OPTIONS);
  assert.equal(twice.ranks, null);
  assert.match(twice.ranksNote!, /^alpha has two rows of method mla \(alpha-mla-wide, alpha-mla\)/);
  assert.match(renderReport(twice, 'markdown'), /^No ranks: alpha has two rows of method mla/m);
});

test('two dataset paths holding the same data (equal data hashes) give the tables but no ranks', async () => {
  const runsDir = fixture();
  for (const dir of fs.readdirSync(runsDir)) {
    const file = path.join(runsDir, dir, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as RunConfigRecord;
    // beta is a copy of alpha under another path; gamma and delta are data of their own.
    const data = config.name.startsWith('beta') ? 'alpha' : config.name.split('-')[0];
    config.run.dataHash = { labels: `labels of ${data}`, splits: `splits of ${data}` };
    fs.writeFileSync(file, JSON.stringify(config));
  }
  const report = buildCompareReport(await collectRuns([runsDir]), OPTIONS);
  assert.equal(report.tables.length, 4);
  assert.equal(report.ranks, null);
  assert.equal(
    report.ranksNote,
    'alpha and beta hold the same data (equal data hashes): ranks across datasets would count it twice',
  );
});

test('one dataset: no ranks, and every format prints exactly the table as before', async () => {
  const runs = await collectRuns([fixture({ alpha: MEANS.alpha })]);
  const report = buildCompareReport(runs, OPTIONS);
  assert.equal(report.tables.length, 1);
  assert.equal(report.ranks, null);
  assert.equal(report.ranksNote, null);
  assert.equal(report.tables[0].dataset, undefined);
  const table = buildCompareTable(runs, OPTIONS);
  for (const format of COMPARE_FORMATS) {
    assert.equal(renderReport(report, format), renderTable(table, format));
    assert.doesNotMatch(renderReport(report, format), /Friedman|rank_|"ranks"/);
  }
});

test('markdown: a table per dataset, then method and average rank and the tests in one line', async () => {
  const text = renderReport(buildCompareReport(await collectRuns([fixture()]), OPTIONS), 'markdown');
  assert.deepEqual(text.match(/^## .*$/gm), [
    '## Dataset alpha',
    '## Dataset beta',
    '## Dataset delta',
    '## Dataset gamma',
    '## Ranks across datasets',
  ]);
  const ranks = text.slice(text.indexOf('## Ranks across datasets')).trim().split('\n');
  assert.deepEqual(ranks.slice(4), [
    '| Method | Average rank |',
    '| --- | ---: |',
    '| mla | 1.13 |',
    '| joint | 1.88 |',
    '| ogm-ge | 3.00 |',
    '',
    'Friedman χ²=7.125, p=0.028; Iman–Davenport F=24.429, p=0.001; Nemenyi CD=1.657 (α=0.05, 3 methods, 4 datasets); groups: {mla, joint}, {joint, ogm-ge}.',
  ]);
  assert.match(ranks[2], /over 4 datasets \(alpha, beta, delta, gamma\)/);
});

test('CSV: each dataset table with a dataset column, then the ranks and the tests as statistic,value', async () => {
  const text = renderReport(buildCompareReport(await collectRuns([fixture()]), OPTIONS), 'csv');
  const sections = text.trimEnd().split('\n\n');
  assert.equal(sections.length, 6);
  assert.match(sections[0], /^dataset,config,method,seeds,/);
  assert.match(sections[1].split('\n')[1], /^beta,beta-joint,joint,0 1,0\.5,0,2,0\.4,0,2,0\.88,/);
  assert.deepEqual(sections[4].split('\n'), [
    'method,average_rank,rank_alpha,rank_beta,rank_delta,rank_gamma,fused_mean_alpha,fused_mean_beta,fused_mean_delta,fused_mean_gamma',
    ...sections[4].split('\n').slice(1),
  ]);
  assert.match(sections[4].split('\n')[1], /^mla,1\.125,1,1\.5,1,1,0\.9\d*,0\.88\d*,0\.95\d*,0\.91\d*$/);
  const stats = Object.fromEntries(
    sections[5]
      .split('\n')
      .slice(1)
      .map((l) => l.split(/,(.*)/s).slice(0, 2)),
  );
  close(Number(stats.friedman_chi2), 7.125);
  close(Number(stats.friedman_p), 0.028367816449713094);
  close(Number(stats.iman_davenport_f), 24.428571428571427);
  close(Number(stats.iman_davenport_p), 0.001308441162109375);
  close(Number(stats.nemenyi_cd), 1.656751188320081);
  assert.equal(stats.groups, '"{mla, joint}, {joint, ogm-ge}"');
  assert.deepEqual([stats.methods, stats.datasets, stats.nemenyi_alpha], ['3', '4', '0.05']);
});

test('LaTeX: a booktabs table per dataset and a second one of average ranks with the tests in its caption', async () => {
  const text = renderReport(buildCompareReport(await collectRuns([fixture()]), OPTIONS), 'latex');
  assert.equal(text.match(/\\begin\{tabular\}/g)!.length, 5);
  assert.match(text, /\\caption\{alpha: test accuracy/);
  const last = text.slice(text.lastIndexOf('\\begin{table}'));
  assert.match(
    last,
    /Friedman \$\\chi\^2_F = 7\.125\$, \$p = 0\.028\$; Iman--Davenport \$F_F = 24\.429\$, \$p = 0\.001\$; Nemenyi CD \$= 1\.657\$ \(\$\\alpha = 0\.05\$, 3 methods, 4 datasets\); not significantly different: \\\{mla, joint\\\}, \\\{joint, ogm-ge\\\}\.\}/,
  );
  assert.match(
    last,
    /^Method & Average rank \\\\\n\\midrule\nmla & 1\.13 \\\\\njoint & 1\.88 \\\\\nogm-ge & 3\.00 \\\\\n\\bottomrule$/m,
  );
});

test('JSON: the tables and a `ranks` field with every figure', async () => {
  const parsed = JSON.parse(
    renderReport(buildCompareReport(await collectRuns([fixture()]), OPTIONS), 'json'),
  );
  assert.equal(parsed.tables.length, 4);
  assert.equal(parsed.tables[0].dataset, 'alpha');
  assert.deepEqual(
    parsed.ranks.methods.map((m: { method: string; averageRank: number }) => [m.method, m.averageRank]),
    [
      ['mla', 1.125],
      ['joint', 1.875],
      ['ogm-ge', 3],
    ],
  );
  close(parsed.ranks.friedman.chiSquare, 7.125);
  close(parsed.ranks.imanDavenport.p, 0.001308441162109375);
  assert.deepEqual(parsed.ranks.groups, [
    ['mla', 'joint'],
    ['joint', 'ogm-ge'],
  ]);
  assert.equal(parsed.ranksNote, null);
});

test('`mla compare` over runs of several datasets prints the tables and the ranks; a --reference missing on one is refused', () => {
  const runsDir = fixture();
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join('src', 'trainer', 'main.ts'), 'compare', runsDir, ...args],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
  const ok = cli('--format', 'markdown');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^Friedman χ²=7\.125, p=0\.028; /m);
  const refused = cli('--reference', 'unimodal');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--reference unimodal: no row of dataset alpha has this method \(its rows: /);
});

const hasPdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0;

test('LaTeX over several datasets compiles with pdflatex inside a minimal booktabs document', async (t) => {
  if (!hasPdflatex) {
    t.skip('pdflatex is not installed (apt-get install texlive-latex-base texlive-latex-recommended)');
    return;
  }
  const latex = renderReport(buildCompareReport(await collectRuns([fixture()]), OPTIONS), 'latex');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-ranks-latex-'));
  fs.writeFileSync(
    path.join(dir, 'ranks.tex'),
    `\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage[T1]{fontenc}\n\\begin{document}\n${latex}\\end{document}\n`,
  );
  const tex = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'ranks.tex'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(tex.status, 0, tex.stdout.split('\n').slice(-30).join('\n'));
  const log = fs.readFileSync(path.join(dir, 'ranks.log'), 'latin1');
  assert.doesNotMatch(log, /Undefined control sequence|Missing \$ inserted|Misplaced alignment/);
});
