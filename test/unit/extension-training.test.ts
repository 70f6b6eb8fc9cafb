// The training queue of the extension (src/extension/trainingManager.ts) against the vscode stand-in and
// the real bundled trainer: seeds queue behind `mla.maxParallelRuns`, Cancel drops the queue and stops what
// runs, an invalid config or an untrusted workspace starts nothing, Stop is graceful first and a kill
// second.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import type { Diagnostic } from '../../src/core/config/types';
import { readRun, type RunInfo } from '../../src/core/runs/reader';
import { checkpointDirName } from '../../src/core/runs/checkpoint';
import { TrainingManager } from '../../src/extension/trainingManager';
import { exampleWorkspace, REPO, tempDir } from '../support/training';
import { waitFor } from '../support/waitFor';
import type { ProgressRun } from '../support/vscodeFake';

const TRAINER = path.join(REPO, 'dist', 'trainer.js');
let ws: { dir: string; mla: string; joint: string };

function uri(file: string): vscode.Uri {
  return { fsPath: file, scheme: 'file', path: file } as unknown as vscode.Uri;
}

/** A copy of the example's MLA config with `patch` applied, next to the example's data. */
function config(name: string, patch: Record<string, unknown>): string {
  const raw = JSON.parse(fs.readFileSync(ws.mla, 'utf8')) as Record<string, unknown>;
  const training = { ...(raw.training as object), ...((patch.training as object) ?? {}) };
  const file = path.join(ws.dir, `${name}.mla.json`);
  fs.writeFileSync(file, JSON.stringify({ ...raw, ...patch, name, training }, null, 2));
  return file;
}

async function runsIn(dir: string): Promise<RunInfo[]> {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
  return Promise.all(names.sort().map((n) => readRun(path.join(dir, n))));
}

/**
 * Waits for a notification's work to end. The trainers are detached and unreferenced (they outlive the
 * window), so nothing else keeps this process's event loop alive meanwhile; waitFor's re-checks do.
 */
async function finished(progress: ProgressRun, timeoutMs = 120_000): Promise<void> {
  let done = false;
  void progress.done.then(() => (done = true));
  await waitFor(`"${progress.title}" to finish`, () => done, { timeoutMs, intervalMs: 100 });
}

let manager: TrainingManager;
let runsDir: string;
let problems: { file: string; diagnostics: Diagnostic[] }[];

before(async () => {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  ws = await exampleWorkspace();
});

beforeEach(() => {
  editor.reset();
  editor.setFolders([ws.dir]);
  runsDir = tempDir('queue-runs');
  editor.settings.set('mla.runsDirectory', runsDir);
  problems = [];
  manager = new TrainingManager(
    TRAINER,
    { appendLine: () => undefined, show: () => undefined } as unknown as vscode.OutputChannel,
    (u, diagnostics) => problems.push({ file: u.fsPath, diagnostics }),
  );
});

afterEach(() => manager.dispose());

after(() => fs.rmSync(ws.dir, { recursive: true, force: true }));

describe('TrainingManager', () => {
  it('runs the seeds one after another with maxParallelRuns 1, queued in seed order', async () => {
    editor.settings.set('mla.maxParallelRuns', 1);
    const file = config('queue', { seeds: [0, 1, 2], training: { epochs: 1 } });
    let most = 0;
    manager.onDidChange(() => (most = Math.max(most, manager.activeProcesses.length)));
    const started = await manager.train(uri(file));
    assert.deepEqual(started, { started: true });
    assert.equal(manager.activeProcesses.length, 1);
    assert.equal(manager.queuedCount, 2);
    const status = editor.statusItems.find((s) => s.id === 'mla.training')!;
    assert.equal(status.visible, true);
    assert.equal(status.text, '$(sync~spin) MLA: 1 running · 2 queued');
    const [progress] = editor.progress;
    assert.equal(progress.title, 'MLA: Training queue (3 seeds)');
    await finished(progress);

    assert.equal(most, 1);
    assert.equal(manager.queuedCount, 0);
    assert.equal(status.visible, false);
    assert.deepEqual(
      progress.reports.filter((r) => r.increment !== undefined).map((r) => r.message),
      ['1/3 finished', '2/3 finished', '3/3 finished'],
    );
    const runs = await runsIn(runsDir);
    assert.deepEqual(
      runs.map((r) => [r.seed, r.status?.state]),
      [
        [0, 'completed'],
        [1, 'completed'],
        [2, 'completed'],
      ],
    );
    // One group, and each seed started only after the one before it ended.
    const groups = new Set(runs.map((r) => (r.config?.run as { group: string }).group));
    assert.equal(groups.size, 1);
    for (let i = 1; i < runs.length; i++)
      assert.ok(
        runs[i].status!.startedAt >= runs[i - 1].status!.endedAt!,
        `seed ${i} started at ${runs[i].status!.startedAt}, before seed ${i - 1} ended at ${runs[i - 1].status!.endedAt}`,
      );
  });

  it('Cancel drops the queued seeds and stops the running one with a checkpoint', async () => {
    editor.settings.set('mla.maxParallelRuns', 1);
    const file = config('cancel', { seeds: [0, 1, 2], training: { epochs: 100_000 } });
    await manager.train(uri(file));
    const [progress] = editor.progress;
    const first = await waitFor('the first seed to finish an epoch', async () => {
      const [run] = await runsIn(runsDir);
      return run && run.epochs.length >= 1 ? run : null;
    });
    progress.cancel();
    assert.equal(manager.queuedCount, 0);
    await finished(progress);
    assert.equal(manager.activeProcesses.length, 0);
    const runs = await runsIn(runsDir);
    assert.equal(runs.length, 1, 'a queued seed started after Cancel');
    const stopped = runs[0];
    assert.equal(stopped.dir, first.dir);
    assert.equal(stopped.status?.state, 'stopped');
    assert.ok(
      stopped.checkpoints.some((c) => path.basename(c.dir) === checkpointDirName(stopped.status!.epoch + 1)),
      'no checkpoint of the unfinished epoch',
    );
  });

  it("says a failed seed once: at once while others still train, the last one in the group's notice", async () => {
    editor.settings.set('mla.maxParallelRuns', 1);
    const file = config('diverge', {
      seeds: [0, 1],
      training: { epochs: 2, optimizer: { type: 'sgd', lr: 1e30 } },
    });
    await manager.train(uri(file));
    await finished(editor.progress[0]);
    await waitFor('the group notice', () => editor.messages.length >= 2);
    const [early, notice, ...more] = editor.messages;
    assert.deepEqual(more, []);
    assert.equal(early.level, 'error');
    assert.match(early.text, /^MLA: diverge seed 0 failed: \S/);
    assert.equal(notice.level, 'warning');
    assert.match(notice.text, /^MLA diverge: diverge seed 0 failed: .+; diverge seed 1 failed: \S/);
    assert.deepEqual(notice.items, ['Show Log', 'Open Dashboard']);
  });

  it('refuses an invalid config: no process, the problems published and shown', async () => {
    const file = path.join(ws.dir, 'broken.mla.json');
    fs.writeFileSync(file, '{\n  "dataset": "data/dataset.json",\n  "training": { "epochs": 0 }\n}\n');
    const result = await manager.train(uri(file));
    assert.equal(result.started, false);
    assert.match(result.reason!, /^broken\.mla\.json has 1 error \(line 3: .*\)\. Fix it to train\.$/);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, file);
    assert.deepEqual(
      problems[0].diagnostics.map((d) => [d.severity, d.range.start.line]),
      [['error', 2]],
    );
    assert.deepEqual(
      editor.commands.map((c) => c.id),
      ['workbench.actions.view.problems'],
    );
    assert.deepEqual(editor.messages, [{ level: 'error', text: result.reason }]);
    assert.equal(manager.activeProcesses.length, 0);
    assert.deepEqual(await runsIn(runsDir), []);
  });

  it('starts nothing in Restricted Mode', async () => {
    editor.trusted = false;
    const result = await manager.train(uri(config('untrusted', {})));
    assert.equal(result.started, false);
    assert.match(result.reason!, /Restricted Mode/);
    assert.equal(editor.messages[0].level, 'warning');
    assert.deepEqual(await manager.resume(path.join(runsDir, 'any')), {
      started: false,
      reason: 'training, and so resuming, is disabled in Restricted Mode',
    });
    // Stop signals the pid a run folder names: a cloned folder must not choose what gets killed.
    const runDir = path.join(runsDir, 'foreign');
    fs.mkdirSync(runDir, { recursive: true });
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      sleeper.on('exit', (_code, signal) => done(signal)),
    );
    const status = {
      state: 'running',
      pid: sleeper.pid,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
    };
    fs.writeFileSync(
      path.join(runDir, 'status.json'),
      JSON.stringify({ ...status, endedAt: null, epoch: 0, epochs: 1 }),
    );
    try {
      assert.equal(manager.stop(runDir), 'restricted');
      // The same folder in a trusted workspace is stopped: only the trust made the difference.
      editor.trusted = true;
      assert.equal(manager.stop(runDir), 'graceful');
      assert.equal(await exited, 'SIGTERM');
    } finally {
      sleeper.kill('SIGKILL');
    }
    fs.rmSync(runDir, { recursive: true });
    assert.deepEqual(await runsIn(runsDir), []);
  });

  it('passes mla.defaultBackend only where the config leaves the backend to auto', async () => {
    editor.settings.set('mla.defaultBackend', 'cpu');
    editor.settings.set('mla.maxParallelRuns', 2);
    const auto = config('backend-auto', { seeds: [0], training: { epochs: 1 } });
    const fixed = config('backend-wasm', { seeds: [0], training: { epochs: 1 }, backend: 'wasm' });
    await manager.train(uri(auto));
    await manager.train(uri(fixed));
    for (const p of editor.progress) await finished(p);
    const backends = (await runsIn(runsDir)).map((r) => [
      r.name,
      (r.config?.run as { backend: string }).backend,
    ]);
    assert.deepEqual(backends.sort(), [
      ['backend-auto', 'cpu'],
      ['backend-wasm', 'wasm'],
    ]);
  });

  it('stops a run it did not start: SIGTERM first, SIGKILL on the second Stop; a dead one is not running', async () => {
    // A process that, like a trainer finishing its batch, does not end on the first signal.
    const child = spawn(
      process.execPath,
      [
        '-e',
        'process.on("SIGTERM", () => console.log("TERM")); console.log("ready"); setInterval(() => {}, 1000);',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await waitFor('the process to be ready', () => out.includes('ready'));
    const runDir = path.join(runsDir, 'external');
    fs.mkdirSync(runDir, { recursive: true });
    const status = (pid: number, host = os.hostname()) =>
      fs.writeFileSync(
        path.join(runDir, 'status.json'),
        JSON.stringify({ state: 'running', pid, host, startedAt: '', endedAt: null, epoch: 0, epochs: 1 }),
      );
    status(child.pid!);
    assert.equal(manager.stop(runDir), 'graceful');
    await waitFor('the first signal to arrive', () => out.includes('TERM'));
    assert.equal(child.exitCode, null);
    assert.equal(manager.stop(runDir), 'kill');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(manager.stop(runDir), 'not-running');
    status(process.pid, 'another-host');
    assert.equal(manager.stop(runDir), 'not-running');
    assert.equal(manager.stop(path.join(runsDir, 'never-existed')), 'not-running');
  });
});
