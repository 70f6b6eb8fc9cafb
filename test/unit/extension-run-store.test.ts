// The window's run store (src/extension/runStore.ts) against the vscode stand-in and real run folders: it
// finds runs in the configured runs folder and in any `.mla/runs` of the workspace, re-reads a run when a
// watcher reports one of its files, follows a running run without any event, discovers a folder no event
// announced, and forgets deleted runs.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RunWriter } from '../../src/core/runs/writer';
import { MetricsFollower } from '../../src/core/runs/metrics-follower';
import { RunStore } from '../../src/extension/runStore';
import { tempDir } from '../support/training';
import { waitFor } from '../support/waitFor';
import { epochRecord, status } from './runs-fixtures';

let workspace: string;
let store: RunStore;
let changes: string[][];

/** A run folder as the trainer writes it: config, status, `epochs` epoch lines. */
function makeRun(runsDir: string, id: string, state: 'running' | 'completed', epochs: number): string {
  const writer = RunWriter.create(runsDir, id, { name: id, run: { seed: 0 } });
  writer.setStatus(status(state, process.pid));
  for (let e = 1; e <= epochs; e++) writer.appendMetrics(epochRecord(e, 0.5 + e / 100));
  writer.close();
  return writer.dir;
}

function appendEpoch(runDir: string, epoch: number): void {
  fs.appendFileSync(path.join(runDir, 'metrics.jsonl'), JSON.stringify(epochRecord(epoch, 0.9)) + '\n');
}

beforeEach(() => {
  editor.reset();
  workspace = tempDir('store-ws');
  editor.setFolders([workspace]);
  editor.settings.set('mla.runsDirectory', 'runs');
  store = new RunStore();
  changes = [];
  store.onDidChange((dirs) => changes.push(dirs));
});

afterEach(() => {
  store.dispose();
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('RunStore', () => {
  it('finds the configured runs folder and every .mla/runs below the workspace, skipping node_modules', async () => {
    const configured = makeRun(path.join(workspace, 'runs'), 'r1', 'completed', 2);
    const terminal = makeRun(path.join(workspace, 'sub', '.mla', 'runs'), 'r2', 'completed', 3);
    makeRun(path.join(workspace, 'node_modules', 'x', '.mla', 'runs'), 'r3', 'completed', 1);
    fs.mkdirSync(path.join(workspace, 'runs', 'not-a-run'));
    await store.rescan();
    assert.deepEqual(store.all.map((r) => r.dir).sort(), [configured, terminal].sort());
    assert.equal(store.get(terminal)?.epochs.length, 3);
    assert.equal(store.get(configured)?.displayState, 'completed');
    assert.deepEqual(changes.at(-1)?.sort(), [configured, terminal].sort());
  });

  it('watches the run files of both kinds of folder and re-reads a run a watcher reports', async () => {
    const dir = makeRun(path.join(workspace, 'runs'), 'r1', 'completed', 1);
    const nested = makeRun(path.join(workspace, 'a', '.mla', 'runs'), 'r2', 'completed', 1);
    await store.rescan();
    for (const file of ['status.json', 'metrics.jsonl', 'summary.json', 'config.json'])
      assert.ok(editor.fileEvent('change', path.join(dir, file)) >= 1, `no watcher covers ${file}`);
    assert.ok(editor.fileEvent('change', path.join(nested, 'status.json')) >= 1);
    assert.equal(editor.fileEvent('change', path.join(dir, 'log.txt')), 0);

    // Cleared first: the store's periodic scan may see the new epoch before the event does, and its change
    // counts as well.
    changes.length = 0;
    appendEpoch(dir, 2);
    editor.fileEvent('change', path.join(dir, 'metrics.jsonl'));
    await waitFor('the reported run to be re-read', () => store.get(dir)?.epochs.length === 2);
    assert.ok(changes.some((c) => c.includes(dir)));
  });

  it('follows a running run with no file event, and discovers a run folder no event announced', async () => {
    const running = makeRun(path.join(workspace, 'runs'), 'r1', 'running', 1);
    await store.rescan();
    assert.equal(store.get(running)?.liveness, 'alive');
    appendEpoch(running, 2);
    await waitFor('the poll to pick up the new epoch', () => store.get(running)?.epochs.length === 2, 10_000);

    const late = makeRun(path.join(workspace, 'runs'), 'r2', 'completed', 4);
    await waitFor('the new run folder to be discovered', () => store.get(late)?.epochs.length === 4, 15_000);
  });

  it('refresh drops a deleted run; forget removes one at once', async () => {
    const a = makeRun(path.join(workspace, 'runs'), 'r1', 'completed', 1);
    const b = makeRun(path.join(workspace, 'runs'), 'r2', 'completed', 1);
    await store.rescan();
    fs.rmSync(a, { recursive: true });
    assert.equal(await store.refresh(a), undefined);
    assert.equal(store.get(a), undefined);
    store.forget(b);
    assert.deepEqual(store.all, []);
    assert.deepEqual(changes.slice(-2), [[a], [b]]);
  });

  it('parses only the lines appended to a running run since the last read', async () => {
    store.dispose();
    const followers: MetricsFollower[] = [];
    store = new RunStore((file) => {
      const follower = new MetricsFollower(file);
      followers.push(follower);
      return follower;
    });
    const running = makeRun(path.join(workspace, 'runs'), 'live', 'running', 3);
    const done = makeRun(path.join(workspace, 'runs'), 'done', 'completed', 2);
    const metrics = path.join(running, 'metrics.jsonl');
    await store.refresh(running);
    await store.refresh(done);
    assert.equal(store.get(done)?.epochs.length, 2);
    // Only the running run is followed, from its first byte.
    assert.equal(followers.length, 1);
    assert.equal(followers[0].bytesRead, fs.statSync(metrics).size);

    const before = fs.statSync(metrics).size;
    appendEpoch(running, 4);
    appendEpoch(running, 5);
    const appended = fs.statSync(metrics).size - before;
    const info = await store.refresh(running);
    assert.deepEqual(
      info?.epochs.map((e) => e.epoch),
      [1, 2, 3, 4, 5],
    );
    assert.equal(followers.length, 1);
    assert.equal(followers[0].bytesRead, before + appended);
    // Nothing new: nothing read.
    await store.refresh(running);
    assert.equal(followers[0].bytesRead, before + appended);
    assert.equal(store.get(running)?.lastEpoch?.epoch, 5);
  });
});
