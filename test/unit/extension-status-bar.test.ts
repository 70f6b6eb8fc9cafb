// The training status bar (src/extension/trainingManager.ts) counts every running run of the workspace from
// the run folders the run store reads, also runs this window did not start (a terminal run, one that survived
// a reload): real run folders, the real RunStore, the vscode stand-in.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { RunWriter } from '../../src/core/runs/writer';
import { RunStore } from '../../src/extension/runStore';
import { TrainingManager } from '../../src/extension/trainingManager';
import { tempDir } from '../support/training';
import { epochRecord, runConfig, status } from './runs-fixtures';

let workspace: string;
let store: RunStore;
let manager: TrainingManager;

function makeRun(runsDir: string, id: string, state: 'running' | 'completed'): string {
  const writer = RunWriter.create(runsDir, id, runConfig(id, 0, 'g1'));
  writer.setStatus(status(state, process.pid));
  writer.appendMetrics(epochRecord(1, 0.6));
  writer.close();
  return writer.dir;
}

function markCompleted(runDir: string): void {
  const file = path.join(runDir, 'status.json');
  const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(
    file,
    JSON.stringify({ ...record, state: 'completed', endedAt: '2026-01-01T00:10:00.000Z' }),
  );
}

beforeEach(() => {
  editor.reset();
  workspace = tempDir('status-ws');
  editor.setFolders([workspace]);
  editor.settings.set('mla.runsDirectory', 'runs');
  store = new RunStore();
  manager = new TrainingManager(
    path.join(workspace, 'no-trainer.js'),
    { appendLine: () => undefined, show: () => undefined } as unknown as vscode.OutputChannel,
    () => undefined,
  );
});

afterEach(() => {
  manager.dispose();
  store.dispose();
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('training status bar', () => {
  it('counts running runs from the run folders, those started in a terminal included, and hides at none', async () => {
    const status = editor.statusItems.find((s) => s.id === 'mla.training')!;
    const configured = makeRun(path.join(workspace, 'runs'), 'r1', 'running');
    const terminal = makeRun(path.join(workspace, 'sub', '.mla', 'runs'), 'r2', 'running');
    makeRun(path.join(workspace, 'runs'), 'r3', 'completed');
    manager.countRunsOf(store);
    assert.equal(status.visible, false);

    await store.rescan();
    assert.equal(status.visible, true);
    assert.equal(status.text, '$(sync~spin) MLA: 2 running');

    markCompleted(terminal);
    await store.rescan();
    assert.equal(status.text, '$(sync~spin) MLA: 1 running');

    markCompleted(configured);
    await store.rescan();
    assert.equal(status.visible, false);
  });
});
