// The run explorer's preview tab (src/extension/dashboard/panel.ts, commands.ts) with the vscode stand-in and
// real run folders: a click shows the run in one reusable tab without taking the focus from the tree; a
// double-click, Enter or Open Dashboard pins it, and the next preview takes a new tab.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { RunWriter } from '../../src/core/runs/writer';
import { DashboardPanels } from '../../src/extension/dashboard/panel';
import { DOUBLE_CLICK_MS, DoubleClicks } from '../../src/extension/doubleClick';
import { RunStore } from '../../src/extension/runStore';
import { TrainingManager } from '../../src/extension/trainingManager';
import type { FakeWebviewPanel } from '../support/vscodeFake';
import { tempDir } from '../support/training';
import { epochRecord, runConfig, status } from './runs-fixtures';

let runsDir: string;
let store: RunStore;
let manager: TrainingManager;
let panels: DashboardPanels;

function makeRun(id: string, seed: number): string {
  const writer = RunWriter.create(runsDir, id, runConfig('preview-cfg', seed, 'g1'));
  writer.appendMetrics(epochRecord(1, 0.6));
  writer.setStatus({ ...status('completed', process.pid), epoch: 1, endedAt: '2026-01-01T00:01:00.000Z' });
  writer.close();
  return writer.dir;
}

beforeEach(() => {
  editor.reset();
  runsDir = tempDir('preview-runs');
  store = new RunStore();
  manager = new TrainingManager(
    path.join(runsDir, 'no-trainer.js'),
    { appendLine: () => undefined, show: () => undefined } as unknown as vscode.OutputChannel,
    () => undefined,
  );
  panels = new DashboardPanels({ fsPath: path.resolve(__dirname, '../..') } as vscode.Uri, store, manager);
});

afterEach(() => {
  panels.dispose();
  manager.dispose();
  store.dispose();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

const tabs = () => editor.webviewPanels as FakeWebviewPanel[];
/** Read afresh each time (an assertion on `panels.previewTab` would narrow the getter's type). */
const previewNow = () => panels.previewTab;

describe('the preview tab', () => {
  it('reuses one tab for each previewed run and keeps the focus in the tree', async () => {
    const a = makeRun('20260101-000000-s0', 0);
    const b = makeRun('20260101-000000-s1', 1);
    await Promise.all([store.refresh(a), store.refresh(b)]);

    const first = panels.preview(a);
    assert.equal(tabs().length, 1);
    assert.equal(tabs()[0].openedPreservingFocus, true);
    assert.equal(tabs()[0].title, 'MLA Run: preview-cfg s0 (preview)');
    const htmlOfA = tabs()[0].webview.html;

    const second = panels.preview(b);
    assert.equal(tabs().length, 1, 'the same tab shows the second run');
    assert.notEqual(second, first);
    assert.equal(second.panel, first.panel);
    assert.deepEqual(second.state.runDirs, [b]);
    assert.equal(tabs()[0].title, 'MLA Run: preview-cfg s1 (preview)');
    assert.notEqual(tabs()[0].webview.html, htmlOfA, 'the page reloads for the new run');
    assert.deepEqual(tabs()[0].reveals.at(-1), { preserveFocus: true });
    assert.equal(panels.get('run', [a]), undefined);
    assert.equal(panels.get('run', [b]), second);

    // The page says ready: the new controller answers with the new run.
    await second.handleMessage({ type: 'ready' });
    const init = tabs()[0].webview.posted.find((m) => (m as { type: string }).type === 'init') as {
      runs: { runDir: string }[];
      preview: boolean;
    };
    assert.deepEqual(
      init.runs.map((r) => r.runDir),
      [b],
    );
    assert.equal(init.preview, true, 'the page saves it: a window reload restores a preview');
  });

  it('is pinned by opening its run; the next preview takes a new tab', async () => {
    const a = makeRun('20260101-000000-s0', 0);
    const b = makeRun('20260101-000000-s1', 1);
    await Promise.all([store.refresh(a), store.refresh(b)]);

    const preview = panels.preview(b);
    const pinned = panels.open('run', [b]);
    assert.equal(pinned, preview, 'pinning keeps the tab');
    assert.equal(tabs().length, 1);
    assert.equal(panels.previewTab, undefined);

    panels.preview(a);
    assert.equal(tabs().length, 2, 'a new preview tab beside the pinned one');
    assert.deepEqual(previewNow()?.state.runDirs, [a]);
    // Previewing the pinned run shows its own tab, without moving the focus.
    assert.equal(panels.preview(b), pinned);
    assert.deepEqual(tabs()[0].reveals.at(-1), { preserveFocus: true });
    assert.equal(tabs().length, 2);

    // Closing the preview tab: the next click opens a fresh one.
    tabs()[1].dispose();
    assert.equal(panels.previewTab, undefined);
    panels.preview(a);
    assert.equal(tabs().length, 3);
    assert.equal(panels.all.length, 2);
  });
});

describe('the preview tab, pinned and restored', () => {
  const posted = (panel: FakeWebviewPanel) => panel.webview.posted as { type: string; preview?: boolean }[];

  it('loses "(preview)" when pinned, and tells its page so that a reload keeps it pinned', async () => {
    const a = makeRun('20260101-000000-s0', 0);
    await store.refresh(a);
    const preview = panels.preview(a);
    await preview.handleMessage({ type: 'ready' });
    assert.equal(preview.isPreview, true);

    panels.open('run', [a]);
    assert.equal(tabs()[0].title, 'MLA Run: preview-cfg s0');
    assert.equal(preview.isPreview, false);
    assert.deepEqual(posted(tabs()[0]).at(-1), { type: 'tabRole', preview: false });
    // The page comes back (a hidden tab is rebuilt): its init says pinned too.
    await preview.handleMessage({ type: 'ready' });
    const inits = posted(tabs()[0]).filter((m) => m.type === 'init');
    assert.equal(inits.at(-1)?.preview, false);
  });

  it('comes back after a window reload as the preview, which the next click reuses', async () => {
    const a = makeRun('20260101-000000-s0', 0);
    const b = makeRun('20260101-000000-s1', 1);
    // What the webviews saved: a pinned tab of run b, the preview of run a (with a chart choice).
    const pinnedTab = await editor.restorePanel('mla.dashboard', 'MLA Run: preview-cfg s1', {
      view: 'run',
      runDirs: [b],
      live: {},
    });
    const previewTab = await editor.restorePanel('mla.dashboard', 'MLA Run: preview-cfg s0 (preview)', {
      view: 'run',
      runDirs: [a],
      preview: true,
      live: { '20260101-000000-s0': { smoothing: 0.5, logLoss: false, from: null, to: null } },
    });
    assert.equal(previewTab.title, 'MLA Run: preview-cfg s0 (preview)');
    assert.equal(pinnedTab.title, 'MLA Run: preview-cfg s1');
    assert.equal(previewNow()?.panel, previewTab as unknown as vscode.WebviewPanel);
    assert.deepEqual(previewNow()?.state, { view: 'run', runDirs: [a] });

    // A click on run b shows its own tab; Open Dashboard on run a pins the restored preview.
    assert.equal(panels.preview(b).panel, pinnedTab as unknown as vscode.WebviewPanel);
    assert.equal(previewNow()?.panel, previewTab as unknown as vscode.WebviewPanel);
    const c = makeRun('20260101-000000-s2', 2);
    await store.refresh(c);
    panels.preview(c);
    assert.equal(tabs().length, 2, 'the restored preview tab turned to run c');
    assert.equal(previewTab.title, 'MLA Run: preview-cfg s2 (preview)');
  });

  it('restores a second saved preview as a pinned tab: one preview at a time', async () => {
    const a = makeRun('20260101-000000-s0', 0);
    const b = makeRun('20260101-000000-s1', 1);
    const first = await editor.restorePanel('mla.dashboard', 'x', {
      view: 'run',
      runDirs: [a],
      preview: true,
    });
    const second = await editor.restorePanel('mla.dashboard', 'y', {
      view: 'run',
      runDirs: [b],
      preview: true,
    });
    assert.equal(previewNow()?.panel, first as unknown as vscode.WebviewPanel);
    assert.equal(second.title, 'MLA Run: preview-cfg s1');
    assert.equal(panels.get('run', [b])?.isPreview, false);
    // A state that is not a dashboard's closes its tab.
    const broken = await editor.restorePanel('mla.dashboard', 'z', { view: 'run', runDirs: [] });
    assert.equal(broken.disposed, true);
  });
});

describe('double-clicks on a run row', () => {
  it('are two clicks on one row within the double-click time', () => {
    let now = 1000;
    const clicks = new DoubleClicks(() => now);
    assert.equal(clicks.click('a'), false);
    now += DOUBLE_CLICK_MS - 200;
    assert.equal(clicks.click('a'), true);
    // The click after a double-click starts afresh.
    now += 50;
    assert.equal(clicks.click('a'), false);
    now += 50;
    assert.equal(clicks.click('b'), false, 'another row');
    now += DOUBLE_CLICK_MS + 1;
    assert.equal(clicks.click('b'), false, 'too slow');
    now += 10;
    assert.equal(clicks.click('b'), true);
  });
});
