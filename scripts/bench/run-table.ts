// The run table at 1,000 runs (`npm run bench -- --only table`): 1,000 synthetic run folders of a sweep
// (4 learning rates × 2 HGM modes × 5 fusion types × 5 weight decays × 5 seeds), each with config.json,
// status.json, summary.json and a 30-epoch metrics.jsonl. Prints the host's read of every row (config +
// status + summary only) against a full readRun, the host memory the rows take, the row model's group,
// sort and filter in Node, and, in Chromium (Debian's, driven by playwright-core, the page alone without
// VS Code around it), the first paint of the table and a sort by a header click.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listRunDirs, readRun } from '../../src/core/runs/reader';
import { readTableRun, tableRunOf } from '../../src/core/runs/table-run';
import { columnsOf } from '../../src/shared/runTable/columns';
import { filterRows } from '../../src/shared/runTable/filter';
import { buildRows } from '../../src/shared/runTable/rows';
import { sortRows } from '../../src/shared/runTable/sort';
import type { TableRun } from '../../src/shared/runTable/types';
import { median, table } from './stats';

const RUNS = 1000;
const EPOCHS = 30;
const REPEATS = 5;
const REPO = path.resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';

function writeRuns(dir: string): void {
  const lrs = [1e-4, 1e-3, 1e-2, 1e-1];
  const modes = ['replace', 'off'];
  const fusions = ['entropy', 'entropy-batch', 'fixed', 'mean', 'concat-head'];
  const decays = [0, 1e-5, 1e-4, 1e-3, 1e-2];
  let i = 0;
  for (const lr of lrs)
    for (const mode of modes)
      for (const fusion of fusions)
        for (const wd of decays)
          for (let seed = 0; seed < 5; seed++) {
            const trial = Math.floor(i / 5);
            const runId = `2026-12-01T00-00-00-${String(i).padStart(3, '0')}Z_grid_t${trial}_s${seed}`;
            const run = path.join(dir, runId);
            fs.mkdirSync(run);
            const acc = 0.6 + 0.3 * Math.sin(i * 0.37) ** 2;
            const axes = {
              'training.optimizer.lr': lr,
              'mla.hgm.mode': mode,
              'mla.fusion.type': fusion,
              'training.optimizer.weightDecay': wd,
            };
            const config = {
              name: 'grid',
              method: 'mla',
              dataset: '/data/cremad/dataset.json',
              datasetBaseDir: '/data/cremad',
              model: {
                featureDim: 64,
                encoders: { audio: { type: 'mlp', hidden: [128] }, video: { type: 'mlp', hidden: [128] } },
              },
              mla: { order: ['audio', 'video'], hgm: { mode }, fusion: { type: fusion } },
              training: {
                epochs: EPOCHS,
                batchSize: 64,
                optimizer: { type: 'sgd', lr, momentum: 0.9, weightDecay: wd },
              },
              preprocess: { scale: 'standardize', missingRate: 0 },
              backend: 'wasm',
              run: {
                runId,
                seed,
                group: `grid-t${trial}`,
                configFile: '/work/grid.sweep.json',
                backend: 'wasm',
                backendsTried: [],
                versions: { mlaStudio: '0.1.0', tfjs: '4.22.0', node: process.version },
                host: os.hostname(),
                createdAt: '2026-12-01T00:00:00.000Z',
                sweep: {
                  id: 'grid',
                  name: 'grid',
                  file: '/work/grid.sweep.json',
                  trialId: `t${trial}`,
                  index: trial,
                  axes,
                  metric: 'val.fused',
                },
              },
            };
            const scores = (f: number) => ({
              fused: f,
              unimodal: { audio: f - 0.1, video: f - 0.2 },
              macroF1: f - 0.01,
            });
            const summary = {
              state: 'completed',
              method: 'mla',
              seed,
              backend: 'wasm',
              epochs: EPOCHS,
              bestEpoch: 1 + (i % EPOCHS),
              seconds: 100 + i,
              wallSeconds: 120 + i,
              samplesPerSecond: 5000,
              test: scores(acc - 0.02),
              val: scores(acc),
              last: { test: scores(acc - 0.03), val: scores(acc - 0.01) },
              fusion: { type: fusion, perSample: fusion === 'entropy', epoch: 1 + (i % EPOCHS) },
            };
            const status = {
              state: 'completed',
              pid: 1,
              host: os.hostname(),
              startedAt: '2026-12-01T00:00:00.000Z',
              endedAt: '2026-12-01T01:00:00.000Z',
              epoch: EPOCHS,
              epochs: EPOCHS,
            };
            fs.writeFileSync(path.join(run, 'config.json'), JSON.stringify(config, null, 2));
            fs.writeFileSync(path.join(run, 'status.json'), JSON.stringify(status));
            fs.writeFileSync(path.join(run, 'summary.json'), JSON.stringify(summary, null, 2));
            const lines: string[] = [];
            for (let e = 1; e <= EPOCHS; e++) {
              const s = (f: number) => ({ ...scores(f), loss: 1 - f });
              lines.push(
                JSON.stringify({
                  type: 'epoch',
                  epoch: e,
                  epochs: EPOCHS,
                  lr,
                  train: {
                    loss: { audio: 1 / e, video: 1 / e },
                    acc: { audio: 0.5, video: 0.5 },
                    fusedLoss: null,
                    fusedAcc: null,
                  },
                  val: s(acc),
                  test: s(acc - 0.02),
                  fusionWeights: { audio: 0.5, video: 0.5 },
                  samplesPerSecond: 5000,
                  seconds: 3,
                  elapsed: 4 * e,
                  best: false,
                  time: '2026-12-01T00:00:00.000Z',
                }),
              );
            }
            fs.writeFileSync(path.join(run, 'metrics.jsonl'), lines.join('\n') + '\n');
            i++;
          }
}

async function timeAsync(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function timeMs(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function hostFigures(dir: string): Promise<TableRun[]> {
  let runs: TableRun[] = [];
  const readRows = async () => {
    const dirs = await listRunDirs(dir);
    runs = (await Promise.all(dirs.map((d) => readTableRun(d)))).map(tableRunOf);
  };
  const readFull = async () => {
    const dirs = await listRunDirs(dir);
    await Promise.all(dirs.map((d) => readRun(d)));
  };
  await readRows(); // warm the file cache for both readers
  const rows: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    rows.push(await timeAsync(readRows));
    full.push(await timeAsync(readFull));
  }
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let kept: TableRun[] | null = null;
  {
    const dirs = await listRunDirs(dir);
    kept = (await Promise.all(dirs.map((d) => readTableRun(d)))).map(tableRunOf);
  }
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const jsonMb = Buffer.byteLength(JSON.stringify({ type: 'runs', runs: kept })) / 2 ** 20;
  console.log(
    table(
      ['host, 1,000 run folders', 'median ms'],
      [
        ['read every row (config + status + summary)', median(rows).toFixed(0)],
        ['for reference: full readRun (metrics.jsonl too)', median(full).toFixed(0)],
      ],
    ),
  );
  console.log(
    `rows held: ${global.gc ? `${heapMb.toFixed(1)} MB of heap` : 'heap figure needs node --expose-gc'}; ` +
      `the 'runs' message to the webview: ${jsonMb.toFixed(2)} MB of JSON; resident ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
  return runs;
}

function modelFigures(runs: TableRun[]): void {
  const columns = columnsOf(runs);
  const perRun = buildRows(runs, columns, 'run');
  const sortKeys = [
    { column: 'metric:val.fused', descending: true },
    { column: 'axis:training.optimizer.lr', descending: false },
  ];
  console.log(
    table(
      [`row model in Node, ${runs.length} runs × ${columns.length} columns`, 'median ms'],
      [
        ['columns of all runs', timeMs(() => columnsOf(runs)).toFixed(2)],
        ['rows per run', timeMs(() => buildRows(runs, columns, 'run')).toFixed(2)],
        [
          'rows per seed group (200 groups, mean ± std)',
          timeMs(() => buildRows(runs, columns, 'group')).toFixed(2),
        ],
        ['sort by two keys', timeMs(() => sortRows(perRun, sortKeys)).toFixed(2)],
        [
          'filter by a range and a text',
          timeMs(() =>
            filterRows(perRun, {
              ranges: { 'metric:val.fused': { min: 0.7, max: null } },
              text: { 'axis:mla.fusion.type': 'entropy' },
            }),
          ).toFixed(2),
        ],
      ],
    ),
  );
}

/** The page as the extension serves it, with acquireVsCodeApi stubbed to record what the webview posts. */
function pageHtml(): string {
  const css = (f: string) => fs.readFileSync(path.join(REPO, f), 'utf8');
  return `<!DOCTYPE html><html><head><meta charset="UTF-8"><style>${css('dist/webview/runTable.css')}</style><style>${css('media/runTable.css')}</style>
<script>window.posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>window.posted.push({m,t:performance.now()}),getState:()=>undefined,setState:()=>{}});</script>
</head><body class="vscode-dark"><main id="app"></main></body></html>`;
}

// Browser-side snippets, as text: this file is compiled for Node, without the DOM's types.
const READY = `window.posted.some((p) => p.m.type === 'ready')`;
/** From the message's arrival to the frame after the table is built: what a person waits for. */
const PAINT = `(async () => {
  const start = performance.now();
  window.postMessage(window.runsMessage, '*');
  while (!window.posted.some((p) => p.m.type === 'rendered')) await new Promise((res) => setTimeout(res, 0));
  await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
  return performance.now() - start;
})()`;
/** A click on the val.fused header until the re-sorted table is drawn. */
const SORT = `(async () => {
  const before = window.posted.length;
  const header = document.querySelector('.grid-head [data-column="metric:val.fused"]');
  const start = performance.now();
  header.click();
  while (window.posted.length === before) await new Promise((res) => setTimeout(res, 0));
  await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
  return performance.now() - start;
})()`;

async function browserFigures(runs: TableRun[], screenshot: string | null): Promise<void> {
  if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(REPO, 'dist/webview/runTable.js'))) {
    console.log(
      `browser: skipped (${fs.existsSync(CHROMIUM) ? 'run `node esbuild.mjs` first' : `${CHROMIUM} is missing`})`,
    );
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const paints: number[] = [];
    const sorts: number[] = [];
    const domRows: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.setContent(pageHtml());
      await page.addScriptTag({ path: path.join(REPO, 'dist/webview/runTable.js') });
      await page.waitForFunction(READY);
      await page.evaluate(`window.runsMessage = ${JSON.stringify({ type: 'runs', runs })}`);
      paints.push(await page.evaluate(PAINT));
      domRows.push(await page.locator('.grid-window .grid-row').count());
      sorts.push(await page.evaluate(SORT));
      if (r === 0 && screenshot) await page.screenshot({ path: screenshot, fullPage: true });
      await page.close();
    }
    console.log(
      table(
        [`Chromium ${browser.version()}, the run table page, ${runs.length} runs`, 'median ms', 'min–max'],
        [
          [
            'first paint (message in → table drawn)',
            median(paints).toFixed(0),
            `${Math.min(...paints).toFixed(0)}–${Math.max(...paints).toFixed(0)}`,
          ],
          [
            'sort by a header click',
            median(sorts).toFixed(0),
            `${Math.min(...sorts).toFixed(0)}–${Math.max(...sorts).toFixed(0)}`,
          ],
        ],
      ),
    );
    console.log(`rows in the DOM: ${median(domRows)} of ${runs.length} (virtualised)`);
  } finally {
    await browser.close();
  }
}

export async function runTableBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-table-'));
  try {
    console.log(
      `\nRun table: ${RUNS} synthetic run folders (a 200-trial × 5-seed sweep, ${EPOCHS}-epoch metrics each)`,
    );
    writeRuns(dir);
    const runs = await hostFigures(dir);
    modelFigures(runs);
    await browserFigures(runs, process.env.BENCH_TABLE_SCREENSHOT ?? null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
