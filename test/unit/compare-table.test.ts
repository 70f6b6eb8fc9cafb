// `mla compare` on run folders written as the trainer writes them: the table in every format, the protocol
// refusal and rows whose seeds do not pair.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildCompareTable } from '../../src/core/compare/build-table';
import { collectRuns } from '../../src/core/compare/collect-runs';
import { renderTable } from '../../src/core/compare/render';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import { epochRecord, runConfig, summary } from './runs-fixtures';

type Method = RunConfigRecord['method'];

function writeRun(
  runsDir: string,
  method: Method,
  seed: number,
  fused: number,
  unimodal: Record<string, number>,
  change: (c: RunConfigRecord) => void = () => {},
): string {
  const name = `toy-${method}`;
  const config: RunConfigRecord = { ...runConfig(name, seed, `g-${method}`), method };
  change(config);
  const dir = path.join(runsDir, `2026-01-01T00-00-0${seed}-000Z_${name}_s${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(
    path.join(dir, 'summary.json'),
    JSON.stringify({ ...summary(seed, fused, fused - 0.01, unimodal), method }),
  );
  return dir;
}

/** joint, mla, ogm-ge on seeds 0–2 and unimodal on seeds 0–1 only. */
function fixture(): string {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-compare-'));
  const rows: [Method, number[], [number, number][]][] = [
    [
      'joint',
      [0.9, 0.92, 0.94],
      [
        [0.8, 0.4],
        [0.82, 0.42],
        [0.84, 0.44],
      ],
    ],
    [
      'mla',
      [0.93, 0.94, 0.97],
      [
        [0.81, 0.6],
        [0.83, 0.62],
        [0.85, 0.64],
      ],
    ],
    [
      'ogm-ge',
      [0.92, 0.92, 0.96],
      [
        [0.79, 0.5],
        [0.81, 0.52],
        [0.83, 0.54],
      ],
    ],
    [
      'unimodal',
      [0.85, 0.87],
      [
        [0.86, 0.7],
        [0.88, 0.72],
      ],
    ],
  ];
  for (const [method, fused, uni] of rows) {
    fused.forEach((f, seed) => writeRun(runsDir, method, seed, f, { a: uni[seed][0], b: uni[seed][1] }));
  }
  return runsDir;
}

const close = (actual: number, expected: number, tol = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

test('rows per method with mean ± std and n; tests against joint paired by seed, Holm across rows; unpaired seeds said', async () => {
  const table = buildCompareTable(await collectRuns([fixture()]), { metric: 'test', epoch: 'best' });
  assert.equal(table.reference, 'joint');
  assert.deepEqual(table.columns, ['a', 'b', 'fused']);
  assert.deepEqual(
    table.rows.map((r) => [r.method, r.seeds.join(' ')]),
    [
      ['joint', '0 1 2'],
      ['mla', '0 1 2'],
      ['ogm-ge', '0 1 2'],
      ['unimodal', '0 1'],
    ],
  );
  const [joint, mla, ogm, uni] = table.rows;
  close(mla.cells.fused.mean, (0.93 + 0.94 + 0.97) / 3);
  // deviations from 0.94667: −0.05/3, −0.02/3, +0.07/3 → std = √(0.0078 / 9 / 2)
  close(mla.cells.fused.std, Math.sqrt(0.0039) / 3, 1e-12);
  assert.equal(uni.cells.fused.n, 2);
  // Ranks per column: fused best mla, second ogm-ge; modality a best unimodal, second mla.
  assert.deepEqual(
    table.rows.map((r) => r.cells.fused.rank),
    [0, 1, 2, 0],
  );
  assert.deepEqual(
    table.rows.map((r) => r.cells.a.rank),
    [0, 2, 0, 1],
  );
  // mla − joint per seed: 0.03, 0.02, 0.03 → mean 0.02667, se 0.003333, t = 8 with df 2; for df 2
  // p = 1 − t/√(2+t²) = 1 − 8/√66 and the interval is mean ± t₀.₉₇₅,₂ · se = ± 4.302653 · 0.003333.
  assert.ok(mla.test !== null && ogm.test !== null);
  close(mla.test.t, 8, 1e-6);
  close(mla.test.p, 1 - 8 / Math.sqrt(66), 1e-9);
  close(mla.test.ciLow, 0.08 / 3 - 4.30265273 * (0.01 / 3), 1e-8);
  close(mla.test.ciHigh, 0.08 / 3 + 4.30265273 * (0.01 / 3), 1e-8);
  // ogm-ge − joint: 0.02, 0, 0.02 → t = 2, p = 1 − 2/√6; Holm: the smaller p doubles, the larger stays.
  close(ogm.test.t, 2, 1e-6);
  close(ogm.test.p, 1 - 2 / Math.sqrt(6), 1e-9);
  close(mla.test.pHolm, 2 * (1 - 8 / Math.sqrt(66)), 1e-9);
  close(ogm.test.pHolm, 1 - 2 / Math.sqrt(6), 1e-9);
  assert.equal(joint.test, null);
  assert.equal(uni.test, null);
  assert.equal(uni.note, "seeds 0, 1 do not pair with toy-joint (joint)'s 0, 1, 2");
});

test('markdown: best bold, second underlined, the difference with its interval and the Holm p', async () => {
  const table = buildCompareTable(await collectRuns([fixture()]), { metric: 'test', epoch: 'best' });
  const lines = renderTable(table, 'markdown').split('\n');
  assert.match(
    lines[0],
    /^Protocol: dataset \/data\/toy\/dataset.json; 10 epochs, batch size 16, validation fraction 0.1; optimizer/,
  );
  assert.equal(lines[3], '| Method | a | b | Multimodal | Δ vs joint (95% CI) | p (Holm) |');
  assert.equal(
    lines[5],
    '| toy-joint (joint) | 82.0 ± 2.0 (n=3) | 42.0 ± 2.0 (n=3) | 92.0 ± 2.0 (n=3) | reference | – |',
  );
  assert.equal(
    lines[6],
    '| toy-mla (mla) | <u>83.0 ± 2.0 (n=3)</u> | <u>62.0 ± 2.0 (n=3)</u> | **94.7 ± 2.1 (n=3)** | +2.7 [1.2, 4.1] | 0.031 |',
  );
  assert.equal(
    lines[7],
    '| toy-ogm-ge (ogm-ge) | 81.0 ± 2.0 (n=3) | 52.0 ± 2.0 (n=3) | <u>93.3 ± 2.3 (n=3)</u> | +1.3 [-1.5, 4.2] | 0.184 |',
  );
  assert.equal(
    lines[8],
    "| toy-unimodal (unimodal) | **87.0 ± 1.4 (n=2)** | **71.0 ± 1.4 (n=2)** | 86.0 ± 1.4 (n=2) | seeds 0, 1 do not pair with toy-joint (joint)'s 0, 1, 2 | – |",
  );
});

test('LaTeX: a booktabs table with \\mathbf and \\underline, names escaped', async () => {
  const table = buildCompareTable(await collectRuns([fixture()]), {
    metric: 'test',
    epoch: 'best',
    reference: 'mla',
  });
  const text = renderTable(table, 'latex');
  const lines = text.split('\n');
  assert.equal(lines[0], '\\begin{table}[t]');
  assert.equal(lines[3], '\\begin{tabular}{lrrrrr}');
  assert.deepEqual([lines[4], lines[6]], ['\\toprule', '\\midrule']);
  assert.equal(lines[5], 'Method & a & b & Multimodal & $\\Delta$ vs mla (95\\% CI) & $p$ (Holm) \\\\');
  assert.equal(
    lines[8],
    'toy-mla (mla) & \\underline{$83.0 \\pm 2.0$} & \\underline{$62.0 \\pm 2.0$} & $\\mathbf{94.7 \\pm 2.1}$ & reference & -- \\\\',
  );
  assert.match(
    lines[7],
    /^toy-joint \(joint\) & \$82\.0 \\pm 2\.0\$ & \$42\.0 \\pm 2\.0\$ & \$92\.0 \\pm 2\.0\$ & -2\.7 \[-4\.1, -1\.2\] & 0\.031 \\\\$/,
  );
  assert.deepEqual(lines.slice(-4), ['\\bottomrule', '\\end{tabular}', '\\end{table}', '']);
  assert.match(
    lines[2],
    /^\\caption\{test accuracy \(\\%\) at the best validation epoch, mean \$\\pm\$ sample std over seeds, n = 3\/2\./,
  );
});

test('CSV carries the raw fractions and the test; JSON the same table', async () => {
  const table = buildCompareTable(await collectRuns([fixture()]), { metric: 'val', epoch: 'last' });
  const csv = renderTable(table, 'csv').trim().split('\n');
  assert.equal(
    csv[0],
    'config,method,seeds,a_mean,a_std,a_n,b_mean,b_std,b_n,fused_mean,fused_std,fused_n,reference,diff,ci_low,ci_high,t,df,p,p_holm,note',
  );
  const mla = csv[2].split(',');
  assert.deepEqual(mla.slice(0, 3), ['toy-mla', 'mla', '0 1 2']);
  close(Number(mla[9]), (0.92 + 0.93 + 0.96) / 3, 1e-12); // val = test − 0.01 in the fixture
  close(Number(mla[16]), 8, 1e-6);
  assert.equal(mla[17], '2');
  assert.match(csv[4], /,"seeds 0, 1 do not pair with toy-joint \(joint\)'s 0, 1, 2"$/);
  const json = JSON.parse(renderTable(table, 'json')) as {
    rows: { method: string; test: { df: number } | null }[];
  };
  assert.deepEqual(
    json.rows.map((r) => r.test?.df ?? null),
    [null, 2, 2, null],
  );
});

test('runs that differ in more than the method are refused with what differs', async () => {
  const runsDir = fixture();
  writeRun(runsDir, 'mla', 5, 0.9, { a: 0.8, b: 0.6 }, (c) => {
    c.training.batchSize = 32;
    c.preprocess.scale = 'none';
  });
  const runs = await collectRuns([runsDir]);
  assert.throws(
    () => buildCompareTable(runs, { metric: 'test', epoch: 'best' }),
    (e: Error) =>
      /do not share one protocol/.test(e.message) &&
      e.message.includes('toy-mla_s5 differs from') &&
      e.message.includes('preprocess/scale: "standardize" vs "none"; training/batchSize: 16 vs 32'),
  );
});

test("G-Blending's own options, and a run recorded before they existed, are free to differ", async () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-compare-'));
  for (const seed of [0, 1]) {
    writeRun(runsDir, 'joint', seed, 0.8 + seed / 100, { a: 0.7, b: 0.5 }, (c) => {
      delete (c as Partial<RunConfigRecord>).gblending;
    });
    writeRun(runsDir, 'gblending', seed, 0.85 + seed / 100, { a: 0.75, b: 0.55 }, (c) => {
      c.gblending = { warmupEpochs: 3, holdout: 0.1 };
    });
  }
  const table = buildCompareTable(await collectRuns([runsDir]), { metric: 'test', epoch: 'best' });
  assert.deepEqual(table.rows.map((r) => r.method).sort(), ['gblending', 'joint']);
});

test("MMPareto's own gamma is free to differ from another MMPareto row's", async () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-compare-'));
  for (const seed of [0, 1]) {
    writeRun(runsDir, 'mmpareto', seed, 0.8 + seed / 100, { a: 0.7, b: 0.5 }, (c) => {
      c.mmpareto = { ...c.mmpareto, gamma: 1.5 };
    });
    writeRun(runsDir, 'mmpareto', seed + 10, 0.85 + seed / 100, { a: 0.75, b: 0.55 }, (c) => {
      c.mmpareto = { ...c.mmpareto, gamma: 2 };
    });
  }
  const table = buildCompareTable(await collectRuns([runsDir]), { metric: 'test', epoch: 'best' });
  assert.equal(table.rows.length, 1);
});

test('--epoch N reads metrics.jsonl; a missing epoch, an unknown reference or a folder without runs is named', async () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-compare-'));
  for (const [method, seed, fused] of [
    ['joint', 0, 0.7],
    ['joint', 1, 0.8],
    ['mla', 0, 0.75],
    ['mla', 1, 0.9],
  ] as const) {
    const dir = writeRun(runsDir, method, seed, 0.5, { a: 0.4, b: 0.3 });
    fs.writeFileSync(
      path.join(dir, 'metrics.jsonl'),
      [epochRecord(1, 0.1), epochRecord(2, fused)].map((r) => JSON.stringify(r) + '\n').join(''),
    );
  }
  const runs = await collectRuns([runsDir]);
  const table = buildCompareTable(runs, { metric: 'test', epoch: 2 });
  close(table.rows[1].cells.fused.mean, 0.825, 1e-12);
  close(table.rows[1].cells.a.mean, 0.725, 1e-12);
  close(table.rows[1].test!.meanDiff, 0.075, 1e-12);
  assert.throws(
    () => buildCompareTable(runs, { metric: 'test', epoch: 3 }),
    /no epoch 3 in metrics\.jsonl \(it has 2\)/,
  );
  assert.throws(
    () => buildCompareTable(runs, { metric: 'test', epoch: 'best', reference: 'mmpareto' }),
    /--reference mmpareto: no row has this method \(rows: joint, mla\)/,
  );
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-compare-empty-'));
  await assert.rejects(collectRuns([empty]), /neither a run folder \(no config\.json\) nor a runs folder/);
});

test('a config stands for its runs in its default runs folder; the runs of other configs there are left out', async () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-compare-ws-'));
  fs.mkdirSync(path.join(workspace, '.git'));
  const runsDir = path.join(workspace, '.mla', 'runs');
  const configFile = path.join(workspace, 'toy-mla.mla.json');
  fs.writeFileSync(configFile, '{}');
  for (const seed of [0, 1]) {
    writeRun(runsDir, 'mla', seed, 0.9, { a: 0.8, b: 0.6 }, (c) => {
      c.run.configFile = configFile;
    });
  }
  writeRun(runsDir, 'joint', 2, 0.9, { a: 0.8, b: 0.6 });
  const runs = await collectRuns([path.relative(process.cwd(), configFile)]);
  assert.deepEqual(
    runs.map((r) => r.seed),
    [0, 1],
  );
  await assert.rejects(
    collectRuns([path.join(workspace, 'other.mla.json')]),
    /other\.mla\.json: no such config/,
  );
});

test('marking (the Compare view): a row of another protocol stays, unranked and untested, with the reason; a run without figures is left out and named', async () => {
  const runsDir = fixture();
  writeRun(runsDir, 'mla', 5, 0.99, { a: 0.95, b: 0.9 }, (c) => {
    c.name = 'toy-big';
    c.training.batchSize = 32;
  });
  // A joint run that has not finished an epoch: config.json only.
  const unfinished = path.join(runsDir, '2026-01-01T00-00-09-000Z_toy-joint_s3');
  fs.mkdirSync(unfinished);
  fs.writeFileSync(
    path.join(unfinished, 'config.json'),
    JSON.stringify(runConfig('toy-joint', 3, 'g-joint', { method: 'joint' })),
  );
  const runs = await collectRuns([runsDir]);
  assert.throws(
    () => buildCompareTable(runs, { metric: 'test', epoch: 'best' }),
    /do not share one protocol/,
  );
  const table = buildCompareTable(runs, { metric: 'test', epoch: 'best', problems: 'mark' });
  assert.deepEqual(
    table.rows.map((r) => r.label),
    ['toy-joint (joint)', 'toy-mla (mla)', 'toy-ogm-ge (ogm-ge)', 'toy-unimodal (unimodal)', 'toy-big (mla)'],
  );
  const [joint, mla, , , big] = table.rows;
  assert.equal(big.mismatch, "protocol differs from the reference's: training/batchSize: 16 vs 32");
  assert.equal(big.note, 'protocol differs: no test');
  assert.equal(big.test, null);
  close(big.cells.fused.mean, 0.99);
  // 99 % would be the best fused figure; it is not comparable, so MLA keeps the bold.
  assert.deepEqual(
    table.rows.map((r) => r.cells.fused.rank),
    [0, 1, 2, 0, 0],
  );
  assert.equal(mla.mismatch, null);
  assert.deepEqual(joint.seeds, [0, 1, 2]);
  assert.equal(joint.note, 'seed 3: no finished epoch yet');
  assert.deepEqual(mla.cells.fused.values, [0.93, 0.94, 0.97]);
  close(mla.test!.t, 8, 1e-6);
  const markdown = renderTable(table, 'markdown').trim().split('\n');
  assert.deepEqual(markdown.slice(-2), [
    'Not ranked, not tested:',
    "- toy-big (mla): protocol differs from the reference's: training/batchSize: 16 vs 32",
  ]);
  assert.match(renderTable(table, 'latex'), /^toy-big \(mla\) \(protocol differs\) & /m);
});

const hasPdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0;

test('LaTeX: `mla compare --format latex` compiles with pdflatex inside a minimal booktabs document', (t) => {
  if (!hasPdflatex) {
    t.skip('pdflatex is not installed (apt-get install texlive-latex-base texlive-latex-recommended)');
    return;
  }
  const runsDir = fixture();
  // A config name with every character LaTeX treats specially must come out escaped, or the compile fails.
  for (const seed of [0, 1, 2])
    writeRun(runsDir, 'mla', seed, 0.9 + seed / 100, { a: 0.8, b: 0.6 }, (c) => {
      c.name = 'big_net & 50% #2 {x} ~^\\';
    });
  const cli = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('src', 'trainer', 'main.ts'), 'compare', runsDir, '--format', 'latex'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^big\\_net \\& 50\\% \\#2/m);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-latex-'));
  fs.writeFileSync(
    path.join(dir, 'table.tex'),
    `\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage[T1]{fontenc}\n\\begin{document}\n${cli.stdout}\\end{document}\n`,
  );
  const tex = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'table.tex'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(tex.status, 0, tex.stdout.split('\n').slice(-30).join('\n'));
  assert.equal(fs.readFileSync(path.join(dir, 'table.pdf')).subarray(0, 5).toString('latin1'), '%PDF-');
  // No overfull or undefined-control-sequence complaints: the table is well formed, not merely survivable.
  const log = fs.readFileSync(path.join(dir, 'table.log'), 'latin1');
  assert.doesNotMatch(log, /Undefined control sequence|Missing \$ inserted|Misplaced alignment/);
});
