// The run explorer as a person uses it: a click previews a run in one reusable tab titled "… (preview)" and
// leaves the focus in the tree, a double-click keeps the tab; runs selected from the keyboard are compared
// from the context menu (Shift+F10) and from the command palette; MLA: Open Docs opens the walkthrough.

import type { Locator, Page } from 'playwright-core';
import { webviewContent } from '../integration/harness/workbench';
import { waitFor } from '../support/waitFor';

export interface ExplorerRun {
  name: string;
  seed: number;
  summary: { test: { unimodal: Record<string, number> } } | null;
}

export interface ExplorerCheckContext {
  page: Page;
  /** The trained runs, from their run folders. */
  runs: readonly ExplorerRun[];
  check: (name: string, body: () => Promise<void>) => Promise<void>;
  shoot: (page: Page, name: string) => Promise<void>;
  /** Runs the palette command with exactly this title. */
  runExactCommand: (page: Page, title: string) => Promise<void>;
  closeEditors: (page: Page) => Promise<void>;
  prefix: string;
}

const PREVIEW = ' (preview)';
/** The walkthrough package.json contributes: its title, and its first step's. */
const WALKTHROUGH_TITLE = 'Get Started with MLA Studio';
const WALKTHROUGH_FIRST_STEP = 'Create the example';

/** A run row of the run explorer, by the start of what a screen reader hears ("example-mla seed 0, …"). */
function runRow(page: Page, config: string, seed: number): Locator {
  return page.locator(`.part.sidebar .monaco-list-row[aria-label^="${config} seed ${seed},"]`);
}

/** The titles of the open MLA dashboard tabs, in tab order. */
async function dashboardTabs(page: Page): Promise<string[]> {
  return page
    .locator('.tabs-container .tab .label-name')
    .evaluateAll((labels) =>
      labels.map((l) => (l.textContent ?? '').trim()).filter((t) => t.startsWith('MLA ')),
    );
}

/** Waits until the dashboard tabs are exactly `expected` (in any order); says what they were otherwise. */
async function dashboardTabsAre(page: Page, expected: string[], when: string): Promise<void> {
  const wanted = [...expected].sort().join(' | ');
  let seen: string[] = [];
  await waitFor(
    `the dashboard tabs ${when} to be [${wanted}]`,
    async () => {
      seen = await dashboardTabs(page);
      return [...seen].sort().join(' | ') === wanted;
    },
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; shown: [${seen.join(' | ')}]`);
  });
}

/** Where the keyboard focus is: in the run explorer's tree, or a description of where else. */
async function focusInTree(page: Page): Promise<string | true> {
  // Runs in the page (this file has no DOM types): true, or the focused element and its nearest id.
  return page.evaluate<string | true>(`(() => {
    const active = document.activeElement;
    if (active?.closest('.part.sidebar .monaco-list')) return true;
    if (!active) return 'nothing';
    const where = active.closest('[id]')?.id ?? '';
    return active.tagName.toLowerCase() + '.' + [...active.classList].join('.') + ' in #' + where;
  })()`);
}

/** The seed a run dashboard's header shows ("seed 1"): the webview has loaded that run. */
async function dashboardShowsSeed(page: Page, seed: number): Promise<void> {
  const field = webviewContent(page).locator('[data-field=seed]', { hasText: new RegExp(`^seed ${seed}$`) });
  await field.waitFor({ timeout: 30_000 });
}

/** The aria-label of the row the tree's keyboard focus is on. */
async function focusedRow(page: Page): Promise<string> {
  return (
    (await page.locator('.part.sidebar .monaco-list-row.focused').first().getAttribute('aria-label')) ?? ''
  );
}

/** Presses `key` in the tree and waits for its focus to move off `from`. */
async function moveFocus(page: Page, key: string, from: string): Promise<string> {
  await page.keyboard.press(key);
  return waitFor(
    `the tree's focus to move off "${from}" on ${key}`,
    async () => {
      const now = await focusedRow(page);
      return now !== from ? now : null;
    },
    10_000,
  );
}

/**
 * Focuses the run explorer from the palette. The first time, the command opens the MLA Studio side bar and
 * focuses the view before its tree has rows, and the focus lands on the page body: then it is run again.
 */
async function focusRunsView(ctx: ExplorerCheckContext): Promise<void> {
  let focus: string | true = 'nothing yet';
  for (let attempt = 1; ; attempt++) {
    await ctx.runExactCommand(ctx.page, 'MLA Studio: Focus on Runs View');
    await ctx.page.locator('.part.sidebar .monaco-list-row').first().waitFor({ timeout: 30_000 });
    const focused = await waitFor(
      'the run explorer to have the focus',
      async () => (focus = await focusInTree(ctx.page)) === true,
      5_000,
    ).then(
      () => true,
      () => false,
    );
    if (focused) return;
    if (attempt === 3) throw new Error(`Focus on Runs View left the focus on ${String(focus)}`);
  }
}

/** The aria-labels of the selected rows of the run explorer, top to bottom. */
async function selectedRows(page: Page): Promise<string[]> {
  return page
    .locator('.part.sidebar .monaco-list-row.selected')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
}

export async function explorerChecks(ctx: ExplorerCheckContext): Promise<void> {
  const { page, shoot, prefix } = ctx;
  // A failure leaves a picture of the workbench as it was; every check leaves no tab behind it.
  const check = (name: string, slug: string, body: () => Promise<void>) =>
    ctx.check(`${prefix}: ${name}`, async () => {
      try {
        await body();
      } catch (error) {
        await shoot(page, `${prefix}-failed-explorer-${slug}`);
        throw error;
      } finally {
        await page.keyboard.press('Escape');
        await ctx.closeEditors(page);
      }
    });
  const title = (seed: number, preview: boolean) => `MLA Run: example-mla s${seed}${preview ? PREVIEW : ''}`;

  await check(
    'explorer: a click previews a run in one reusable tab, a double-click keeps it',
    'preview',
    async () => {
      await focusRunsView(ctx);
      const a = runRow(page, 'example-mla', 0);
      const b = runRow(page, 'example-mla', 1);
      await a.click();
      await dashboardTabsAre(page, [title(0, true)], 'after a click on seed 0');
      await dashboardShowsSeed(page, 0);
      await b.click();
      await dashboardTabsAre(page, [title(1, true)], 'after a click on seed 1');
      await dashboardShowsSeed(page, 1);
      // Loaded, and the keyboard is still where the person clicked.
      const focus = await focusInTree(page);
      if (focus !== true)
        throw new Error(`after previewing seed 1 the focus is on ${focus}, not in the tree`);
      await shoot(page, `${prefix}-explorer-preview`);
      await b.dblclick();
      await dashboardTabsAre(page, [title(1, false)], 'after a double-click on seed 1');
      await a.click();
      await dashboardTabsAre(page, [title(1, false), title(0, true)], 'after a click on seed 0 again');
      await dashboardShowsSeed(page, 0);
      await shoot(page, `${prefix}-explorer-preview-pinned`);
    },
  );

  /** The comparison of example-mla's seeds 0 and 1 is the active tab, its group first, its numbers right. */
  const comparesTheSelection = async () => {
    await page
      .locator('.tabs-container .tab.active .label-name', { hasText: /^MLA Compare Seeds: example-mla$/ })
      .waitFor({ timeout: 30_000 });
    const frame = webviewContent(page);
    await frame.locator('tr[data-group=example-mla]').waitFor({ timeout: 30_000 });
    const mla = ctx.runs.filter((r) => r.name === 'example-mla').sort((x, y) => x.seed - y.seed);
    const expected = mla
      .map((r) => `s${r.seed} ${(100 * r.summary!.test.unimodal.weak).toFixed(1)}`)
      .join(' · ');
    const shown = (
      (await frame.locator('tr[data-group=example-mla] td[data-column=weak] .seeds').textContent()) ?? ''
    ).trim();
    if (shown !== expected)
      throw new Error(`per-seed weak accuracy: shown "${shown}", expected "${expected}"`);
    // The selected runs' group comes first; the latest group of each other config joins it by design.
    const first = await frame.locator('tr[data-group]').first().getAttribute('data-group');
    if (first !== 'example-mla') throw new Error(`the first row of the table is "${first}", not example-mla`);
  };

  await check(
    'explorer: two runs selected with the keyboard, Compare Seeds from Shift+F10 and from the palette',
    'compare',
    async () => {
      await focusRunsView(ctx);
      // Escape clears the selection. With no row selected the arrow keys move only the focus (VS Code
      // lets the selection follow the focus only when they were on the same row).
      await page.keyboard.press('Escape');
      await waitFor('no selected row', async () => (await selectedRows(page)).length === 0, 10_000);
      await page.keyboard.press('Home');
      let at = await waitFor('the tree focus on its first row', () => focusedRow(page), 10_000);
      // Down to example-mla's seed group, then Shift+Down twice: seed 0, then seed 1 join the selection.
      for (let step = 0; !at.startsWith('example-mla, launched'); step++) {
        if (step === 30) throw new Error(`no example-mla seed group row within 30 rows (at "${at}")`);
        at = await moveFocus(page, 'ArrowDown', at);
      }
      at = await moveFocus(page, 'Shift+ArrowDown', at);
      at = await moveFocus(page, 'Shift+ArrowDown', at);
      if (!at.startsWith('example-mla seed 1,')) throw new Error(`Shift+Down went to "${at}", not seed 1`);
      let labels: string[] = [];
      await waitFor(
        'seeds 0 and 1 of example-mla to be selected',
        async () => {
          labels = await selectedRows(page);
          return (
            labels.length === 2 &&
            labels[0].startsWith('example-mla seed 0,') &&
            labels[1].startsWith('example-mla seed 1,')
          );
        },
        10_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; selected: [${labels.join(' | ')}]`);
      });
      await page.keyboard.press('Shift+F10');
      const item = page.locator('.context-view .monaco-menu .action-item', {
        has: page.locator('.action-label', { hasText: /^Compare Seeds$/ }),
      });
      await item.waitFor({ timeout: 10_000 });
      await shoot(page, `${prefix}-explorer-context-menu`);
      await item.click();
      await comparesTheSelection();
      await shoot(page, `${prefix}-explorer-compare-selection`);
      // From the command palette, with the same two runs still selected: the same table, and no question.
      await ctx.closeEditors(page);
      await ctx.runExactCommand(page, 'MLA: Compare Seeds');
      await comparesTheSelection();
      if (await page.locator('.quick-input-widget').isVisible())
        throw new Error('Compare Seeds from the palette asked although two runs were selected');
    },
  );

  await check('explorer: MLA: Open Docs opens the walkthrough', 'docs', async () => {
    await ctx.runExactCommand(page, 'MLA: Open Docs');
    const editor = page.locator('.part.editor');
    await editor.getByText(WALKTHROUGH_TITLE, { exact: true }).first().waitFor({ timeout: 30_000 });
    await editor.getByText(WALKTHROUGH_FIRST_STEP, { exact: true }).first().waitFor({ timeout: 30_000 });
    await shoot(page, `${prefix}-explorer-docs`);
  });
}
