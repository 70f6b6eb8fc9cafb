// MLA: Run Sweep (src/extension/sweepRunner.ts) with the vscode stand-in and the real bundled trainer: the
// notification and the status bar follow trials done / running / queued / failed, and Cancel stops every
// running trial with a checkpoint.

import '../support/vscode';
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exampleConfig } from '../../src/core/data/exampleProject';
import { writeExampleDataset } from '../../src/core/data/synthetic';
import type { RunStatus } from '../../src/core/runs/types';
import type { SweepPlan } from '../../src/core/sweep/types';
import { SweepRunner } from '../../src/extension/sweepRunner';
import { REPO, tempDir } from '../support/training';
import { waitFor } from '../support/waitFor';
import { editor } from '../support/vscode';

let dir = '';
let runsDir = '';

function writeSweep(name: string, epochs: number): vscode.Uri {
  const file = path.join(dir, `${name}.sweep.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      name,
      base: 'base.mla.json',
      grid: { 'training.optimizer.lr': [0.01, 0.05] },
      seeds: [0],
      overrides: { 'training.epochs': epochs },
      maxParallel: 2,
    }),
  );
  return vscode.Uri.file(file);
}

/** Each trial's status.json (undefined before it has one); none before the sweep wrote its plan. */
function statuses(name: string): (RunStatus | undefined)[] {
  const file = path.join(runsDir, '.sweeps', name, 'plan.json');
  if (!fs.existsSync(file)) return [];
  const plan = JSON.parse(fs.readFileSync(file, 'utf8')) as SweepPlan;
  return plan.trials.map((t) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(runsDir, t.runId, 'status.json'), 'utf8')) as RunStatus;
    } catch {
      return undefined;
    }
  });
}

before(async () => {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  dir = tempDir('sweep-runner');
  runsDir = path.join(dir, 'runs');
  await writeExampleDataset(path.join(dir, 'data'), { samples: 200 });
  fs.writeFileSync(path.join(dir, 'base.mla.json'), JSON.stringify(exampleConfig('mla', null), null, 2));
  editor.reset();
  editor.setFolders([dir]);
  editor.settings.set('mla.runsDirectory', runsDir);
});

after(() => {
  editor.reset();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('MLA: Run Sweep', () => {
  it('shows trials done / running / queued / failed in a notification and the status bar', async () => {
    const statusTexts: string[] = [];
    const runner = new SweepRunner(
      path.join(REPO, 'dist', 'trainer.js'),
      vscode.window.createOutputChannel('t'),
      () => {
        const item = editor.statusItems.at(-1)!;
        if (item.visible) statusTexts.push(item.text);
      },
    );
    try {
      assert.equal(await runner.run(writeSweep('quick', 2), 'local'), 0);
    } finally {
      runner.dispose();
    }
    const progress = editor.progress.at(-1)!;
    assert.equal(progress.title, 'MLA sweep quick.sweep.json');
    assert.equal(progress.reports.at(-1)?.message, '2/2 done · 0 running · 0 queued · 0 failed');
    // The increments add up to the whole bar.
    assert.equal(
      progress.reports.reduce((n, r) => n + (r.increment ?? 0), 0),
      100,
    );
    assert.ok(
      statusTexts.includes('$(beaker) sweep 2/2 done · 0 running · 0 queued · 0 failed'),
      statusTexts.join('\n'),
    );
    assert.ok(
      statusTexts.some((t) => / · [12] running · /.test(t)),
      statusTexts.join('\n'),
    );
    assert.equal(editor.statusItems.at(-1)!.visible, false);
    assert.deepEqual(editor.messages.at(-1), {
      level: 'info',
      text: 'MLA sweep quick.sweep.json: every trial completed.',
    });
    assert.deepEqual(
      statuses('quick').map((s) => s?.state),
      ['completed', 'completed'],
    );
  });

  it('Cancel stops every running trial with a checkpoint', async () => {
    const runner = new SweepRunner(
      path.join(REPO, 'dist', 'trainer.js'),
      vscode.window.createOutputChannel('t'),
      () => undefined,
    );
    try {
      const done = runner.run(writeSweep('long', 100_000), 'local');
      const epochs = () => statuses('long').map((s) => (s?.state === 'running' ? s.epoch : -1));
      await waitFor('both trials training', () => {
        const e = epochs();
        return e.length === 2 && e.every((x) => x >= 2);
      });
      editor.progress.at(-1)!.cancel();
      // Stopped trials are not completed: the sweep ends 1, with every trial stopped at a checkpoint.
      assert.equal(await done, 1);
      const ended = statuses('long');
      assert.deepEqual(
        ended.map((s) => s?.state),
        ['stopped', 'stopped'],
      );
      assert.ok(ended.every((s) => s !== undefined && s.epoch >= 2 && s.epoch < 100_000));
      for (const name of fs.readdirSync(runsDir).filter((n) => n.startsWith('long_')))
        assert.ok(
          fs.readdirSync(path.join(runsDir, name, 'checkpoints')).length > 0,
          `${name} has a checkpoint`,
        );
    } finally {
      runner.dispose();
    }
  });
});
