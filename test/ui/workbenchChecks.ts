// What the workbench itself shows of MLA Studio, beyond its webviews: the status bar counting a run started in
// a terminal (also after the window reloads), MLA: Train refusing a config with an unknown key (the message
// and the Problems view, no run folder), and the notification that sums up a seed group when it finishes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { seedGroupLine } from '../../src/core/runs/seed-line';
import type { RunSummary } from '../../src/core/runs/types';

export interface WorkbenchCheckContext {
  ws: string;
  page: Page;
  check: (name: string, body: () => Promise<void>) => Promise<void>;
  shoot: (page: Page, name: string) => Promise<void>;
  prefix: string;
}

interface FolderRun {
  name: string;
  seed: number;
  summary: RunSummary | null;
}

function runsNamed(ws: string, name: string): FolderRun[] {
  const root = path.join(ws, '.mla', 'runs');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((id) => {
    const configFile = path.join(root, id, 'config.json');
    if (!fs.existsSync(configFile)) return [];
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { name: string; run: { seed: number } };
    if (config.name !== name) return [];
    const summaryFile = path.join(root, id, 'summary.json');
    const summary = fs.existsSync(summaryFile)
      ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as RunSummary)
      : null;
    return [{ name: config.name, seed: config.run.seed, summary }];
  });
}

/** A config next to the example's: the example model with a training block changed. */
function writeConfig(ws: string, name: string, training: Record<string, unknown>, seeds: number[]): string {
  const base = JSON.parse(fs.readFileSync(path.join(ws, 'example-mla.mla.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const file = `${name}.mla.json`;
  const config = { ...base, name, seeds, training: { ...(base.training as object), ...training } };
  fs.writeFileSync(path.join(ws, file), JSON.stringify(config, null, 2) + '\n');
  return file;
}

/** Opens a workspace file the way a person does without a mouse: the quick-open box, its name, Enter. */
async function openFile(page: Page, file: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(file);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: file })
    .first()
    .waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: file }).waitFor({ timeout: 15_000 });
}

/**
 * MLA: Train from the palette, clicking the row whose label is exactly that: the palette's fuzzy match ranks
 * "MLA: Show Trainer Log" first once it has been used, so Enter would run that instead.
 */
async function trainFromPalette(page: Page): Promise<void> {
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: /^MLA: Train$/ }) })
    .first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>MLA: Train');
    const shown = await row.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    await page.keyboard.press('Escape');
    if (attempt === 6) throw new Error('MLA: Train never appeared in the palette');
  }
  await row.click();
}

function toast(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

async function statusBarShows(page: Page, text: string): Promise<void> {
  await page.locator('.statusbar-item', { hasText: text }).first().waitFor({ timeout: 30_000 });
}

export async function workbenchChecks(ctx: WorkbenchCheckContext): Promise<void> {
  const { ws, page, shoot, prefix } = ctx;
  // A failure leaves a picture of the workbench as it was, beside the other screenshots.
  const check = (name: string, body: () => Promise<void>) =>
    ctx.check(name, async () => {
      try {
        await body();
      } catch (error) {
        await shoot(
          page,
          `${prefix}-failed-${name.slice(prefix.length + 2, prefix.length + 30).replace(/\W+/g, '-')}`,
        );
        throw error;
      }
    });
  const typo = writeConfig(ws, 'ui-typo', { epoch: 2 }, [0]);
  const seeds = writeConfig(ws, 'ui-seeds', { epochs: 3 }, [0, 1]);

  await check(
    `${prefix}: the status bar counts the run started in a terminal, also after a reload`,
    async () => {
      await statusBarShows(page, 'MLA: 1 running');
      await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await statusBarShows(page, 'MLA: 1 running');
    },
  );

  await check(
    `${prefix}: MLA: Train refuses a config with an unknown key, with the did-you-mean`,
    async () => {
      await openFile(page, typo);
      await trainFromPalette(page);
      const refusal = toast(page, `${typo} has 1 error`);
      await refusal.waitFor({ timeout: 30_000 });
      const said = (await refusal.textContent()) ?? '';
      if (!said.includes("unknown key 'epoch' in training") || !said.includes("did you mean 'epochs'?"))
        throw new Error(`the refusal says: ${said}`);
      // The Problems view opens on it, and nothing was trained.
      await page.locator('.markers-panel', { hasText: "unknown key 'epoch'" }).waitFor({ timeout: 15_000 });
      await shoot(page, `${prefix}-unknown-key`);
      if (runsNamed(ws, 'ui-typo').length > 0)
        throw new Error('a run folder was created for the refused config');
      await page.keyboard.press('Escape');
    },
  );

  await check(
    `${prefix}: a finished seed group is announced with its mean ± std and its actions`,
    async () => {
      await openFile(page, seeds);
      await trainFromPalette(page);
      const notice = toast(page, /MLA ui-seeds: 2 seeds done/);
      await notice.waitFor({ timeout: 180_000 });
      const runs = runsNamed(ws, 'ui-seeds');
      const done = runs.filter((r) => r.summary?.state === 'completed').map((r) => r.summary!);
      if (done.length !== 2) throw new Error(`${done.length} completed ui-seeds runs in the run folders`);
      const order = (
        JSON.parse(fs.readFileSync(path.join(ws, seeds), 'utf8')) as { mla: { order: string[] } }
      ).mla.order;
      const expected = `MLA ui-seeds: ${seedGroupLine(done, order)}`;
      const shown = ((await notice.locator('.notification-list-item-message').textContent()) ?? '').trim();
      if (shown !== expected) throw new Error(`shown "${shown}", expected "${expected}"`);
      for (const action of ['Compare Seeds', 'Open Dashboard']) {
        await notice.locator('.monaco-button', { hasText: action }).waitFor({ timeout: 5000 });
      }
      await shoot(page, `${prefix}-seed-group-done`);
    },
  );
}
