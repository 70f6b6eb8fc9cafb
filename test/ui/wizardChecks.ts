// MLA: New Project from Data… as a person without a mouse uses it: a fresh folder of `.npy` arrays in the
// workspace, the command typed into the palette, every step answered by typing and Enter (and one step taken
// back with the Back key), then ▶ Train on the notification it ends with. Checked on what lands on disk: the
// manifest, both configs and the split files, and the runs the offered training writes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { encodeNpy } from '../../src/core/data/npy';
import type { RunSummary } from '../../src/core/runs/types';
import { waitFor } from '../support/waitFor';
import { untilPaletteOffers } from './palette';

export interface WizardCheckContext {
  ws: string;
  page: Page;
  check: (name: string, body: () => Promise<void>) => Promise<void>;
  shoot: (page: Page, name: string) => Promise<void>;
  prefix: string;
}

const TITLE = 'MLA: New Project from Data';
const FOLDER = 'wizard-data';
const PROJECT = 'ui-wizard';
const ROWS = 60;
const CLASSES = ['circle', 'square', 'triangle'];
const TEST_FRACTION = 0.25;
/** quickInputBack's key on Linux (the workbench in Chromium here takes the Linux bindings). */
const BACK_KEY = 'Control+Alt+Minus';

/** 60 samples of 3 classes (label = row % 3): `rgb.npy` [60, 6] and `depth.npy` [60, 4], float32. */
function writeArrays(dir: string): Int32Array {
  fs.mkdirSync(dir, { recursive: true });
  const labels = Int32Array.from({ length: ROWS }, (_, i) => i % CLASSES.length);
  // Each modality carries the label in one column, so training has something to learn.
  const modality = (width: number, wave: (k: number) => number) =>
    Float32Array.from(
      { length: ROWS * width },
      (_, k) => (k % width === labels[Math.floor(k / width)] ? 2 : 0) + wave(k),
    );
  fs.writeFileSync(path.join(dir, 'labels.npy'), encodeNpy({ shape: [ROWS], data: labels }));
  fs.writeFileSync(path.join(dir, 'rgb.npy'), encodeNpy({ shape: [ROWS, 6], data: modality(6, Math.sin) }));
  fs.writeFileSync(path.join(dir, 'depth.npy'), encodeNpy({ shape: [ROWS, 4], data: modality(4, Math.cos) }));
  return labels;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: found ${a}, expected ${e}`);
}

/** The row indices of a split file, one per line. */
function splitRows(file: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);
}

interface WizardRun {
  seed: number;
  epochs: number;
  summary: RunSummary | null;
  /** Epoch lines in metrics.jsonl. */
  written: number;
}

function wizardRuns(ws: string): WizardRun[] {
  const root = path.join(ws, '.mla', 'runs');
  return fs.readdirSync(root).flatMap((id) => {
    const configFile = path.join(root, id, 'config.json');
    if (!fs.existsSync(configFile)) return [];
    const config = readJson<{ name: string; run: { seed: number }; training: { epochs: number } }>(
      configFile,
    );
    if (config.name !== PROJECT) return [];
    const summaryFile = path.join(root, id, 'summary.json');
    const metricsFile = path.join(root, id, 'metrics.jsonl');
    const written = fs.existsSync(metricsFile)
      ? fs
          .readFileSync(metricsFile, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{') && l.includes('"type":"epoch"')).length
      : 0;
    return [
      {
        seed: config.run.seed,
        epochs: config.training.epochs,
        summary: fs.existsSync(summaryFile) ? readJson<RunSummary>(summaryFile) : null,
        written,
      },
    ];
  });
}

/** The quick input on screen is the wizard's step `step` of 8 ("MLA: New Project from Data (3/8)"). */
async function onStep(page: Page, step: number): Promise<void> {
  const title = page.locator('.quick-input-widget .quick-input-title', {
    hasText: `${TITLE} (${step}/8)`,
  });
  await title.waitFor({ timeout: 20_000 });
}

/** The label of the quick input's focused row (what Enter takes). */
async function focusedItem(page: Page): Promise<string> {
  const row = page.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
  return ((await row.textContent({ timeout: 5000 })) ?? '').trim();
}

async function waitForFocusedItem(page: Page, label: string): Promise<void> {
  let seen = '';
  await waitFor(
    `the focused row to be "${label}"`,
    async () => (seen = await focusedItem(page).catch(() => '')) === label,
    10_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; focused: "${seen}"`);
  });
}

/** The labels of the checked rows of a many-select step. */
async function checkedItems(page: Page): Promise<string[]> {
  return page
    .locator('.quick-input-list .monaco-list-row[aria-checked="true"] .label-name')
    .evaluateAll((labels) => labels.map((l) => (l.textContent ?? '').trim()));
}

async function inputValue(page: Page): Promise<string> {
  return page.locator('.quick-input-widget input').inputValue({ timeout: 5000 });
}

/** Replaces the input box's text by typing, as Ctrl+A then the keys would. */
async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await waitFor(`the input to read "${text}"`, async () => (await inputValue(page)) === text, 5000);
}

/** Runs a palette command by typing its title and pressing Enter once its row is the focused one. */
async function paletteByKeyboard(page: Page, title: string): Promise<void> {
  await untilPaletteOffers(
    page,
    4,
    async () => {
      await page.keyboard.type(title.replace(/…$/, ''));
      return waitForFocusedItem(page, title).then(
        () => true,
        () => false,
      );
    },
    `"${title}" was never the palette's first row`,
  );
  await page.keyboard.press('Enter');
}

export async function wizardChecks(ctx: WizardCheckContext): Promise<void> {
  const { ws, page, shoot, prefix } = ctx;
  const check = (name: string, slug: string, body: () => Promise<void>) =>
    ctx.check(`${prefix}: ${name}`, async () => {
      try {
        await body();
      } catch (error) {
        await shoot(page, `${prefix}-failed-wizard-${slug}`);
        throw error;
      }
    });

  await check(
    'wizard: New Project from Data… by keyboard alone, with Back, then ▶ Train',
    'new-project',
    async () => {
      const dir = path.join(ws, FOLDER);
      const labels = writeArrays(dir);
      // Earlier checks' notifications would sit above the wizard's in the toast list.
      await paletteByKeyboard(page, 'Notifications: Clear All Notifications');
      await paletteByKeyboard(page, 'MLA: New Project from Data…');

      await onStep(page, 1);
      await page.keyboard.type(FOLDER);
      await waitForFocusedItem(page, FOLDER);
      await page.keyboard.press('Enter');

      await onStep(page, 2);
      // labels.npy is guessed by its name and offered first; typing narrows the list to it anyway.
      await page.keyboard.type('labels');
      await waitForFocusedItem(page, 'labels.npy');
      await page.keyboard.press('Enter');

      await onStep(page, 3);
      assertEqual(await checkedItems(page), ['depth.npy', 'rgb.npy'], 'the modalities offered as chosen');
      await page.keyboard.press('Enter');

      await onStep(page, 4);
      assertEqual(await inputValue(page), 'depth=depth.npy, rgb=rgb.npy', 'the modality names offered');
      // Back: the modalities step again, with both files still chosen.
      await page.keyboard.press(BACK_KEY);
      await onStep(page, 3);
      assertEqual(await checkedItems(page), ['depth.npy', 'rgb.npy'], 'the modalities after Back');
      await page.keyboard.press('Enter');
      await onStep(page, 4);
      await typeOver(page, 'colour=rgb.npy, depth=depth.npy');
      await page.keyboard.press('Enter');

      // No 1-D file is left for a presence mask (step 5 asks nothing): the class names.
      await onStep(page, 6);
      await typeOver(page, CLASSES.join(', '));
      await page.keyboard.press('Enter');

      await onStep(page, 7);
      assertEqual(await inputValue(page), '0.2', 'the test fraction offered');
      await typeOver(page, String(TEST_FRACTION));
      await page.keyboard.press('Enter');

      await onStep(page, 8);
      assertEqual(await inputValue(page), FOLDER, 'the project name offered (the folder name)');
      await typeOver(page, PROJECT);
      await shoot(page, `${prefix}-wizard-step`);
      await page.keyboard.press('Enter');

      // The config opens in an editor; the notification sums up what was written and offers ▶ Train.
      await page
        .locator('.tabs-container .tab.active .label-name', { hasText: `${PROJECT}.mla.json` })
        .waitFor({ timeout: 30_000 });
      const notice = page.locator('.notifications-toasts .notification-toast', {
        hasText: `MLA: wrote`,
      });
      await notice.waitFor({ timeout: 30_000 });
      const said = ((await notice.locator('.notification-list-item-message').textContent()) ?? '').trim();
      assertEqual(
        said,
        `MLA: wrote split_train.txt, split_test.txt, dataset.json, ${PROJECT}.mla.json, ${PROJECT}-joint.mla.json in ${FOLDER}/ (${ROWS} samples, ${CLASSES.length} classes, 2 modalities).`,
        'the notification',
      );

      const manifest = readJson<Record<string, unknown>>(path.join(dir, 'dataset.json'));
      assertEqual(
        manifest,
        {
          name: PROJECT,
          labels: 'labels.npy',
          classes: CLASSES,
          modalities: { colour: { features: 'rgb.npy' }, depth: { features: 'depth.npy' } },
          splits: { train: 'split_train.txt', test: 'split_test.txt' },
        },
        'dataset.json',
      );
      // A stratified split: a quarter of each class's 20 rows in test, the rest in train, every row once.
      const test = splitRows(path.join(dir, 'split_test.txt'));
      const train = splitRows(path.join(dir, 'split_train.txt'));
      assertEqual(
        [...train, ...test].sort((a, b) => a - b),
        Array.from({ length: ROWS }, (_, i) => i),
        'train and test rows together',
      );
      assertEqual(
        CLASSES.map((_, c) => test.filter((r) => labels[r] === c).length),
        CLASSES.map(() => (ROWS / CLASSES.length) * TEST_FRACTION),
        'test rows per class',
      );
      type Config = {
        name: string;
        dataset: string;
        method: string;
        mla?: { order: string[] };
        training: { valFraction?: number };
        seeds: number[];
      };
      const mla = readJson<Config>(path.join(dir, `${PROJECT}.mla.json`));
      const joint = readJson<Config>(path.join(dir, `${PROJECT}-joint.mla.json`));
      assertEqual(
        [mla.name, mla.dataset, mla.method, mla.mla?.order, mla.training.valFraction],
        [PROJECT, 'dataset.json', 'mla', ['colour', 'depth'], 0.1],
        'the MLA config',
      );
      assertEqual(
        [joint.name, joint.dataset, joint.method, joint.mla, joint.training.valFraction],
        [`${PROJECT}-joint`, 'dataset.json', 'joint', undefined, 0.1],
        'its joint twin',
      );
      await shoot(page, `${prefix}-wizard-done`);

      // ▶ Train from the keyboard: focus the toast, Tab to its button, Enter.
      await paletteByKeyboard(page, 'Notifications: Focus Notification Toast');
      const button = notice.locator('.monaco-button', { hasText: '▶ Train' });
      for (let tab = 0; !(await button.evaluate((b) => b === b.ownerDocument.activeElement)); tab++) {
        if (tab === 5) throw new Error('Tab never reached the ▶ Train button of the notification');
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Enter');

      // One run per seed of the config, each through every epoch it was given.
      const done = page.locator('.notifications-toasts .notification-toast', {
        hasText: new RegExp(`MLA ${PROJECT}: ${mla.seeds.length} seeds done`),
      });
      await done.waitFor({ timeout: 180_000 });
      const runs = await waitFor(
        `${mla.seeds.length} completed ${PROJECT} runs`,
        () => {
          const found = wizardRuns(ws);
          return found.length === mla.seeds.length && found.every((r) => r.summary?.state === 'completed')
            ? found
            : null;
        },
        30_000,
      );
      assertEqual(
        runs.map((r) => r.seed).sort((a, b) => a - b),
        mla.seeds,
        'the seeds trained',
      );
      for (const run of runs)
        assertEqual(run.written, run.epochs, `epochs in metrics.jsonl of seed ${run.seed}`);
      await shoot(page, `${prefix}-wizard-trained`);
    },
  );
}
