// The UI tier: what a person sees. Trains a few small runs of the example (MLA and joint, 2 seeds each)
// with the real trainer, starts a long run to watch live, opens VS Code (code-server) with MLA Studio in
// Chromium, in a dark, a light and a high-contrast theme, and for each view: opens it through the command
// palette, checks the numbers it shows against the run folders (summary.json, metrics.jsonl, fusion.jsonl)
// and saves a screenshot to test/ui/artifacts/. The run explorer (explorerChecks.ts), the workbench's own
// surfaces (workbenchChecks.ts) and the New Project from Data wizard (wizardChecks.ts) are checked once, in
// the dark theme. Ends with `ui: N passed, N failed`;
// exits non-zero on any failure.
//
//   npm run build && node --import tsx test/ui/run.ts [--only SUBSTRING]
//
// --only SUBSTRING runs only the checks whose names contain it (`--only "dark: explorer"`), after the same
// setup (the trained runs, the window, its theme); the others are counted as skipped, not passed. A theme's
// window opens only when SUBSTRING can match its checks: one naming a theme ("light:") opens that one alone.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { writeExampleProject } from '../../src/core/data/exampleProject';
import type { EpochRecord, FusionRecord, RunSummary } from '../../src/core/runs/types';
import { formatMeanStd } from '../../src/shared/format';
import { meanStd as meanStdOf } from '../../src/shared/stats';
import { startServer, stopServer } from '../integration/harness/codeServer';
import {
  openWorkbench,
  runCommandFromPalette,
  webviewContent,
  workbenchUrl,
} from '../integration/harness/workbench';
import { waitFor } from '../support/waitFor';
import { explorerChecks } from './explorerChecks';
import { untilPaletteOffers } from './palette';
import { wizardChecks } from './wizardChecks';
import { workbenchChecks } from './workbenchChecks';

const REPO = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(__dirname, 'artifacts');
const TRAINER = path.join(REPO, 'dist', 'trainer.js');
const THEMES = [
  { id: 'dark', name: 'Default Dark Modern', label: 'Dark Modern' },
  { id: 'light', name: 'Default Light Modern', label: 'Light Modern' },
  { id: 'hc', name: 'Default High Contrast', label: 'Dark High Contrast' },
];
/** The class the workbench carries in each theme (`hc-black` for high contrast dark). */
const WORKBENCH_CLASS: Record<(typeof THEMES)[number]['id'], string> = {
  dark: 'vs-dark',
  light: 'vs',
  hc: 'hc-black',
};
const SEEDS = ['--seed', '0', '--seed', '1'];

let passed = 0;
let failed = 0;
let skipped = 0;

/** `--only SUBSTRING`: the checks to run (undefined: all of them). */
function onlyArgument(argv: readonly string[]): string | undefined {
  const at = argv.indexOf('--only');
  if (at === -1) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value === '' || value.startsWith('--'))
    throw new Error('--only needs a SUBSTRING of the check names to run, e.g. --only "dark: explorer"');
  return value;
}

const ONLY = onlyArgument(process.argv.slice(2));

/** Whether any check of `theme` can match --only: its names all start with "<theme id>: ". */
function themeMayMatch(theme: (typeof THEMES)[number]): boolean {
  if (ONLY === undefined) return true;
  const namesATheme = THEMES.some((t) => ONLY.includes(`${t.id}:`));
  return !namesATheme || ONLY.includes(`${theme.id}:`);
}

async function check(name: string, body: () => Promise<void>): Promise<void> {
  if (ONLY !== undefined && !name.includes(ONLY)) {
    skipped++;
    return;
  }
  const started = Date.now();
  try {
    await body();
    passed++;
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`  ✗ ${name}\n    ${(error as Error).message.split('\n').join('\n    ')}`);
  }
}

function assertEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected)
    throw new Error(`${what}: shown "${String(actual)}", expected "${String(expected)}"`);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

function meanStd(values: number[]): string {
  const { mean, std } = meanStdOf(values);
  return formatMeanStd(mean, std);
}

function train(ws: string, config: string, args: string[]): void {
  const result = spawnSync(process.execPath, [TRAINER, 'train', config, ...args, '--quiet'], {
    cwd: ws,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`training ${config} failed:\n${result.stderr}`);
}

interface RunFolder {
  dir: string;
  name: string;
  seed: number;
  summary: RunSummary | null;
}

function runFolders(ws: string): RunFolder[] {
  const root = path.join(ws, '.mla', 'runs');
  // A run folder appears a moment before its trainer writes config.json into it.
  const started = fs.readdirSync(root).filter((id) => fs.existsSync(path.join(root, id, 'config.json')));
  return started.map((id) => {
    const dir = path.join(root, id);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      name: string;
      run: { seed: number };
    };
    const summaryFile = path.join(dir, 'summary.json');
    return {
      dir,
      name: config.name,
      seed: config.run.seed,
      summary: fs.existsSync(summaryFile)
        ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as RunSummary)
        : null,
    };
  });
}

function epochRecords(dir: string): EpochRecord[] {
  return fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as EpochRecord;
      } catch {
        return null;
      }
    })
    .filter((r): r is EpochRecord => r !== null && r.type === 'epoch');
}

async function prepareWorkspace(): Promise<{
  ws: string;
  live: ChildProcess;
  liveDir: () => string | undefined;
}> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-ui-'));
  await writeExampleProject(ws, null);
  fs.mkdirSync(path.join(ws, '.vscode'));
  const base = JSON.parse(fs.readFileSync(path.join(ws, 'example-mla.mla.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const liveConfig = {
    ...base,
    name: 'ui-live',
    seeds: [0],
    training: { ...(base.training as object), epochs: 100_000 },
  };
  fs.writeFileSync(path.join(ws, 'ui-live.mla.json'), JSON.stringify(liveConfig, null, 2));
  console.log(`== ui: training the example (MLA and joint, seeds 0 and 1) in ${ws}`);
  train(ws, 'example-mla.mla.json', [...SEEDS, '--epochs', '12']);
  train(ws, 'example-joint.mla.json', [...SEEDS, '--epochs', '12']);
  // A long run, started as from a terminal: the live view shows it while it trains.
  const live = spawn(process.execPath, [TRAINER, 'train', 'ui-live.mla.json', '--quiet'], {
    cwd: ws,
    stdio: 'ignore',
  });
  const liveDir = () => runFolders(ws).find((r) => r.name === 'ui-live')?.dir;
  // Without a few epochs behind it the live view has nothing to show: that is a failure, not a wait to skip.
  await waitFor(
    'the live run to write 5 epochs',
    () => {
      const dir = liveDir();
      return (
        dir !== undefined && fs.existsSync(path.join(dir, 'metrics.jsonl')) && epochRecords(dir).length >= 5
      );
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  return { ws, live, liveDir };
}

async function pick(page: Page, command: string, filter: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // Right after the window opens the extension may still be reading the run folders (no quick pick then).
  for (let attempt = 1; ; attempt++) {
    await runCommandFromPalette(page, command, 30_000);
    const shown = await input.waitFor({ state: 'visible', timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 4) throw new Error(`"${command}" offered no quick pick`);
  }
  await input.fill(filter);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: filter })
    .first()
    .waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/**
 * Runs a command whose title another command's title starts with ("View: Close All Editors" / "… Editor
 * Groups"), where Enter would take whichever row comes first: clicks the row with exactly that label.
 */
async function runExactCommand(page: Page, title: string): Promise<void> {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escaped}$`) }) })
    .first();
  const input = page.locator('.quick-input-widget input');
  await untilPaletteOffers(
    page,
    6,
    () =>
      input.fill(`>${title}`).then(() =>
        row.waitFor({ timeout: 5000 }).then(
          () => true,
          () => false,
        ),
      ),
    `command "${title}" never appeared in the palette`,
  );
  await row.click();
}

/**
 * The web workbench here starts in its built-in light theme whatever `workbench.colorTheme` the user settings
 * name, so the theme is picked the way a person does: Preferences: Color Theme.
 */
async function setTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
  const wanted = WORKBENCH_CLASS[theme.id];
  // The picker lists themes by label ("Dark Modern"); the setting names them by id ("Default Dark Modern").
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^(Default )?${theme.label}$`) }) })
    .first();
  // On a cold first start the theme list can come late: open the picker again rather than wait forever.
  for (let attempt = 1; ; attempt++) {
    await runExactCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill(theme.label);
    const shown = await row.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    await page.keyboard.press('Escape');
    if (attempt === 4) {
      await shoot(page, `${theme.id}-theme-picker-failure`);
      throw new Error(`the color theme picker never listed "${theme.label}"`);
    }
  }
  await row.click();
  await page.waitForFunction(
    `document.querySelector('.monaco-workbench')?.classList.contains('${wanted}') === true`,
    undefined,
    { timeout: 15_000 },
  );
}

async function closeEditors(page: Page): Promise<void> {
  await runExactCommand(page, 'View: Close All Editors');
  await page.waitForFunction(`document.querySelectorAll('.tabs-container .tab').length === 0`, undefined, {
    timeout: 15_000,
  });
}

/** Scrolls an element of a webview into view and returns once its top is on screen (scrolling may be smooth). */
async function scrollTo(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await waitFor('the scrolled element to be on screen', () =>
    target.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      return top >= 0 && top < el.ownerDocument.documentElement.clientHeight;
    }),
  );
}

interface ShownEpoch {
  epoch: number;
  /** Cell texts of the latest-epoch table by row label (`fused`, a modality). */
  rows: Record<string, string[]>;
}

/** The epoch the latest-epoch table shows and its cells, read in one go so that they belong together. */
async function shownEpoch(frame: FrameLocator): Promise<ShownEpoch> {
  return frame.locator('vscode-table.latest-table').evaluate((table) => {
    const rows: Record<string, string[]> = {};
    for (const row of table.querySelectorAll('vscode-table-row[data-row]')) {
      rows[row.getAttribute('data-row') ?? ''] = [...row.querySelectorAll('vscode-table-cell')].map((c) =>
        (c.textContent ?? '').trim(),
      );
    }
    return { epoch: Number(table.getAttribute('data-epoch')), rows };
  });
}

async function text(frame: FrameLocator | Locator, selector: string): Promise<string> {
  return ((await frame.locator(selector).first().textContent({ timeout: 30_000 })) ?? '').trim();
}

async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

async function themePass(ws: string, theme: (typeof THEMES)[number], liveDir: string): Promise<void> {
  const server = await startServer({ workspace: ws, userSettings: { 'workbench.colorTheme': theme.name } });
  const errors: string[] = [];
  const workbench = await openWorkbench(
    workbenchUrl(server, { workspace: ws, extensionDevelopmentPath: REPO }),
    {
      viewport: { width: 1440, height: 960 },
      onConsole: (line) => {
        if (line.level === 'error' && /Content Security Policy|Refused to/.test(line.text))
          errors.push(line.text);
      },
    },
  );
  const page = workbench.page;
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await setTheme(page, theme);
    const runs = runFolders(ws);

    await check(`${theme.id}: live view of a running run`, async () => {
      await pick(page, 'MLA: Open Dashboard', 'ui-live');
      const frame = webviewContent(page);
      await frame.locator('[data-field=state]').waitFor({ timeout: 30_000 });
      await frame.locator('.uplot').nth(6).waitFor({ timeout: 30_000 });
      assertEqual(await text(frame, '[data-field=state]'), 'running', 'state');
      if (theme.id === 'hc') {
        // High contrast: the badge is outlined text in the theme's colour, its state a thick left edge. The
        // header is redrawn with each epoch (a detached badge has no computed style): read until one answers.
        await waitFor(
          'the high-contrast state badge to have its 4px state edge',
          async () => {
            const edge = await frame
              .locator('[data-field=state]')
              .evaluate(
                (badge) => badge.ownerDocument.defaultView?.getComputedStyle(badge).borderLeftWidth ?? '',
              );
            return edge === '4px' ? edge : null;
          },
          { timeoutMs: 15_000, intervalMs: 200 },
        );
      }
      assertEqual(await text(frame, '[data-field=method]'), 'method mla', 'method');
      assertEqual(await text(frame, '[data-field=seed]'), 'seed 0', 'seed');
      if (!/^ETA \d/.test(await text(frame, '[data-field=eta]'))) throw new Error('no ETA shown');
      // The view follows the run: wait for it to show an epoch written after it opened, then check the
      // epoch and its cells as read together against that epoch's line in metrics.jsonl.
      const opened = (await shownEpoch(frame)).epoch;
      const shown = await waitFor(
        `the live view to follow past epoch ${opened}`,
        async () => {
          const now = await shownEpoch(frame);
          return now.epoch > opened ? now : null;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const record = epochRecords(liveDir).find((r) => r.epoch === shown.epoch);
      if (!record) throw new Error(`the shown epoch ${shown.epoch} is not in metrics.jsonl`);
      assertEqual(shown.rows.fused?.[4], pct(record.test.fused), `test fused at epoch ${shown.epoch}`);
      assertEqual(shown.rows.weak?.[3], pct(record.val.unimodal.weak), `val weak at epoch ${shown.epoch}`);
      const status = await text(frame, '.chart-status');
      // A long run is drawn downsampled ("drawn as min/max of N-epoch buckets") before "following".
      if (!/epochs( · drawn as [^·]+)? · following new epochs/.test(status))
        throw new Error(`chart status: ${status}`);
      // Hover a chart: the tooltip shows exact values.
      const chart = frame.locator('figure[data-chart=test] .u-over');
      const box = await chart.boundingBox();
      if (!box) throw new Error('the test-accuracy chart has no box');
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      await frame.locator('figure[data-chart=test] .chart-tooltip:not([hidden])').waitFor({ timeout: 5000 });
      const tip = await text(frame, 'figure[data-chart=test] .chart-tooltip');
      if (!/^epoch \d+/.test(tip) || !/fused: \d+\.\d\d%/.test(tip)) throw new Error(`tooltip: ${tip}`);
      await shoot(page, `${theme.id}-live`);
      await page.mouse.move(5, 5);
      await closeEditors(page);
    });

    await check(`${theme.id}: seed comparison (MLA beside joint)`, async () => {
      await pick(page, 'MLA: Compare Seeds', 'example-mla');
      const frame = webviewContent(page);
      const row = frame.locator('tr[data-group=example-mla]');
      await row.waitFor({ timeout: 30_000 });
      const mla = runs.filter((r) => r.name === 'example-mla').sort((a, b) => a.seed - b.seed);
      const joint = runs.filter((r) => r.name === 'example-joint');
      assertEqual(
        await text(frame, 'tr[data-group=example-mla] td[data-column=fused] .mean-std'),
        meanStd(mla.map((r) => r.summary!.test.fused)),
        'MLA fused test accuracy',
      );
      assertEqual(
        await text(frame, 'tr[data-group=example-mla] td[data-column=weak] .mean-std'),
        meanStd(mla.map((r) => r.summary!.test.unimodal.weak)),
        'MLA weak test accuracy',
      );
      assertEqual(
        await text(frame, 'tr[data-group=example-mla] td[data-column=weak] .seeds'),
        mla.map((r) => `s${r.seed} ${(100 * r.summary!.test.unimodal.weak).toFixed(1)}`).join(' · '),
        'per-seed weak accuracy',
      );
      assertEqual(
        await text(frame, 'tr[data-group=example-joint] td[data-column=weak] .mean-std'),
        meanStd(joint.map((r) => r.summary!.test.unimodal.weak)),
        'joint weak test accuracy',
      );
      await frame.locator('.uplot').nth(3).waitFor({ timeout: 30_000 });
      await shoot(page, `${theme.id}-compare`);
      await scrollTo(frame.locator('h2', { hasText: 'modality laziness' }));
      await shoot(page, `${theme.id}-compare-charts`);
      await closeEditors(page);
    });

    await check(`${theme.id}: fusion inspector`, async () => {
      const run = runs.find((r) => r.name === 'example-mla' && r.seed === 0)!;
      await pick(page, 'MLA: Inspect Fusion Weights', 'example-mla · seed 0');
      const frame = webviewContent(page);
      await frame.locator('[data-field=fused-accuracy]').waitFor({ timeout: 30_000 });
      const records = fs
        .readFileSync(path.join(run.dir, 'fusion.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as FusionRecord);
      const correct = records.filter((r) => r.correct).length;
      assertEqual(
        await text(frame, '[data-field=fused-accuracy]'),
        `Fused accuracy ${pct(run.summary!.test.fused)} (${correct}/${records.length})`,
        'fused accuracy',
      );
      assertEqual(
        await text(frame, '[data-field=source]'),
        `${records.length} test samples at epoch ${run.summary!.fusion.epoch}: the best validation epoch, from fusion.jsonl.`,
        'source line',
      );
      const wrong = records.find((r) => !r.correct)!;
      await frame.locator(`.sample-chip[data-index="${wrong.index}"]`).click();
      await frame.locator(`[data-field=sample-title][data-index="${wrong.index}"]`).waitFor();
      assertEqual(await text(frame, '[data-field=correct]'), 'wrong', 'verdict');
      const classes = (
        JSON.parse(fs.readFileSync(path.join(ws, 'data', 'dataset.json'), 'utf8')) as { classes?: string[] }
      ).classes;
      const className = classes?.[wrong.label] ?? String(wrong.label);
      assertEqual(
        await text(frame, '[data-field=label]'),
        `True class ${wrong.label} (${className})`,
        'label',
      );
      const weight = await text(frame, '[data-card=strong] .facts');
      if (!weight.includes(`weight ${wrong.weights.strong.toFixed(3)}`))
        throw new Error(`strong card: ${weight}`);
      await shoot(page, `${theme.id}-fusion`);
      await scrollTo(frame.locator('.prob-cards'));
      await shoot(page, `${theme.id}-fusion-sample`);
      await closeEditors(page);
    });

    await check(`${theme.id}: run table (per run, then per seed group)`, async () => {
      await runCommandFromPalette(page, 'MLA: Open Run Table', 30_000);
      const frame = webviewContent(page);
      const rows = frame.locator('.grid-window .grid-row');
      await rows.first().waitFor({ timeout: 30_000 });
      await waitFor('a row per run folder', async () => (await rows.count()) === runs.length, 30_000);
      const run = runs.find((r) => r.name === 'example-mla' && r.seed === 0)!;
      const row = rows.filter({
        has: frame.locator('[data-column="run:run"]', { hasText: path.basename(run.dir) }),
      });
      assertEqual(
        await text(row, '[data-column="metric:test.fused"]'),
        pct(run.summary!.test.fused),
        'test fused of example-mla seed 0',
      );
      await frame.locator('vscode-checkbox[data-control=group-rows]').click();
      const mla = runs.filter((r) => r.name === 'example-mla');
      const group = rows.filter({
        has: frame.locator('[data-column="run:name"]', { hasText: /^example-mla$/ }),
      });
      await group.first().waitFor({ timeout: 10_000 });
      const { mean, std } = meanStdOf(mla.map((r) => r.summary!.test.fused));
      assertEqual(
        await text(group.first(), '[data-column="metric:test.fused"]'),
        `${formatMeanStd(mean, std, { unit: '%' })} (n=${mla.length})`,
        'example-mla test fused, mean ± std over seeds',
      );
      await frame.locator('.scatter .uplot').waitFor({ timeout: 10_000 });
      await shoot(page, `${theme.id}-run-table`);
      await frame.locator('vscode-checkbox[data-control=group-rows]').click();
      await closeEditors(page);
    });

    // The run explorer, the workbench's own surfaces (status bar, notifications, Problems) and the wizard
    // look the same in every theme: once.
    if (theme.id === THEMES[0].id) {
      await explorerChecks({ page, runs, check, shoot, runExactCommand, closeEditors, prefix: theme.id });
      await workbenchChecks({ ws, page, check, shoot, prefix: theme.id });
      await wizardChecks({ ws, page, check, shoot, prefix: theme.id });
    }

    await check(`${theme.id}: effective config`, async () => {
      const run = runs.find((r) => r.name === 'example-mla' && r.seed === 0)!;
      await pick(page, 'MLA: Show Effective Config', 'example-mla · seed 0');
      const frame = webviewContent(page);
      const value = frame.locator('tr[data-key="training.epochs"] td.value');
      await value.waitFor({ timeout: 30_000 });
      const recorded = JSON.parse(fs.readFileSync(path.join(run.dir, 'config.json'), 'utf8')) as {
        training: { epochs: number };
      };
      // Trained with --epochs 12: the value differs from the default 100, which the hover names.
      assertEqual(
        await text(frame, 'tr[data-key="training.epochs"] td.value'),
        String(recorded.training.epochs),
        'epochs',
      );
      assertEqual(
        (await frame.locator('tr[data-key="training.epochs"]').getAttribute('data-differs')) ?? '',
        String(recorded.training.epochs !== 100),
        'epochs marked as not the default',
      );
      assertEqual((await value.getAttribute('title')) ?? '', 'default: 100', 'default on hover');
      assertEqual(
        (await frame.locator('tr[data-key="training.batchSize"]').getAttribute('data-differs')) ?? '',
        'false',
        'batch size 64 is the default',
      );
      await shoot(page, `${theme.id}-config`);
      await closeEditors(page);
    });

    await check(`${theme.id}: no Content Security Policy violation`, async () => {
      if (errors.length > 0) throw new Error(errors.slice(0, 3).join('\n'));
    });
  } finally {
    await workbench.close();
    await stopServer(server);
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js')) || !fs.existsSync(TRAINER)) {
    console.error('dist/ is missing: run `npm run build` first');
    return 2;
  }
  const { ws, live, liveDir } = await prepareWorkspace();
  try {
    const dir = liveDir();
    if (!dir) throw new Error('the live run did not start');
    for (const theme of THEMES.filter(themeMayMatch)) {
      console.log(`== ui: ${theme.name}`);
      await themePass(ws, theme, dir);
    }
  } catch (error) {
    failed++;
    console.log(`  ✗ ${(error as Error).message}`);
  } finally {
    live.kill('SIGTERM');
  }
  console.log(`screenshots: ${ARTIFACTS}`);
  if (ONLY !== undefined)
    console.log(
      passed + failed > 0
        ? `--only "${ONLY}": ${skipped} checks skipped`
        : `--only "${ONLY}" matched no check (${skipped} skipped): nothing was tested`,
    );
  console.log(`ui: ${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
