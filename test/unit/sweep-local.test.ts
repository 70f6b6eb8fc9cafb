// `mla sweep` with the local executor, as a user runs it: the bundled program, real trainer processes, real
// run folders, a real SIGTERM.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { exampleConfig } from '../../src/core/data/exampleProject';
import { writeExampleDataset } from '../../src/core/data/synthetic';
import { listRunDirs, readRun } from '../../src/core/runs/reader';
import type { RunStatus } from '../../src/core/runs/types';
import type { SweepPlan } from '../../src/core/sweep/types';
import type { RunConfigRecord } from '../../src/core/train/runner';
import { configNameOf } from '../../src/core/runs/groups';
import { axesLabel, bestGroupIndex, sweepOf } from '../../src/extension/sweepTree';
import { REPO } from '../support/training';

const BIN = path.join(REPO, 'bin', 'mla.js');
let dir = '';

function mla(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function writeSweep(name: string, epochs: number): string {
  const file = path.join(dir, `${name}.sweep.json`);
  const sweep = {
    name,
    base: 'base.mla.json',
    grid: { 'training.optimizer.lr': [0.01, 0.05] },
    seeds: [4],
    overrides: { 'training.epochs': epochs },
    maxParallel: 2,
  };
  fs.writeFileSync(file, JSON.stringify(sweep, null, 2));
  return file;
}

before(async () => {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  dir = fs.mkdtempSync(path.join(tmpdir(), 'mla-sweep-local-'));
  await writeExampleDataset(path.join(dir, 'data'), { samples: 200 });
  fs.writeFileSync(path.join(dir, 'base.mla.json'), JSON.stringify(exampleConfig('mla', null), null, 2));
});

describe('mla sweep (local)', () => {
  it('--dry-run prints every expanded config and the counts, and starts nothing', () => {
    const runs = path.join(dir, 'dry-runs');
    const r = mla(['sweep', writeSweep('dry', 3), '--dry-run', '--runs-dir', runs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trial 0 dry_[0-9a-f]{8}_s4 seed 4 training\.optimizer\.lr=0\.01$/m);
    assert.match(r.stdout, /^trial 1 dry_[0-9a-f]{8}_s4 seed 4 training\.optimizer\.lr=0\.05$/m);
    assert.match(r.stdout, /^ {6}"epochs": 3,$/m);
    assert.match(r.stdout, /^2 trials \(2 combinations × 1 seeds\): 0 completed, 2 to run$/m);
    assert.equal(fs.existsSync(runs), false);
  });

  it('runs every trial into its own run folder, records the sweep in config.json, and a re-run skips them', async () => {
    const runs = path.join(dir, 'runs');
    const file = writeSweep('grid', 2);
    const r = mla(['sweep', file, '--runs-dir', runs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2\/2 completed, 0 running, 0 queued, 0 stopped, 0 failed/);
    assert.match(r.stderr, /^best: trial [01] \(grid_[0-9a-f]{8}_s4\) val\.fused = 0\.\d+$/m);
    const plan = readJson<SweepPlan>(path.join(runs, '.sweeps', 'grid', 'plan.json'));
    for (const trial of plan.trials) {
      const record = readJson<RunConfigRecord>(path.join(runs, trial.runId, 'config.json'));
      assert.equal(readJson<RunStatus>(path.join(runs, trial.runId, 'status.json')).state, 'completed');
      assert.deepEqual(record.run.sweep, {
        id: 'grid',
        name: 'grid',
        file,
        trialId: trial.trialId,
        index: trial.index,
        axes: trial.axes,
        metric: 'val.fused',
      });
      assert.equal(record.training.optimizer.lr, trial.axes['training.optimizer.lr']);
      assert.equal(record.run.seed, 4);
    }
    // What the run explorer makes of them: one group per combination, the best one by val.fused.
    const listed = await Promise.all((await listRunDirs(runs)).map((d) => readRun(d)));
    assert.equal(listed.length, 2);
    const sweeps = listed.map(sweepOf);
    assert.ok(sweeps.every((x) => x !== null && x.name === 'grid'));
    assert.deepEqual(sweeps.map((x) => axesLabel(x!)).sort(), ['lr=0.01', 'lr=0.05']);
    const scores = listed.map((r) => r.summary!.val.fused);
    const best = bestGroupIndex(listed.map((r) => [r]));
    assert.equal(scores[best!], Math.max(...scores));
    assert.equal(configNameOf(listed[0]!), 'grid (sweep)');
    const again = mla(['sweep', file, '--runs-dir', runs]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /2 trials, 2 already completed, 0 to run/);
    assert.equal(fs.readdirSync(runs).filter((n) => !n.startsWith('.')).length, 2);
  });

  it('SIGTERM stops every trial with a checkpoint; the re-run resumes them to completion', async () => {
    const runs = path.join(dir, 'stop-runs');
    const file = writeSweep('long', 300);
    const child = spawn(process.execPath, [BIN, 'sweep', file, '--runs-dir', runs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let signalled = false;
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Both trials are training once the progress line says so and each has finished an epoch.
      if (!signalled && /2 running/.test(stderr)) {
        const poll = setInterval(() => {
          const dirs = fs.existsSync(runs) ? fs.readdirSync(runs).filter((n) => !n.startsWith('.')) : [];
          const epochs = dirs.map((d) => {
            try {
              return readJson<RunStatus>(path.join(runs, d, 'status.json')).epoch;
            } catch {
              return 0;
            }
          });
          if (dirs.length === 2 && epochs.every((e) => e >= 2)) {
            clearInterval(poll);
            signalled = true;
            child.kill('SIGTERM');
          }
        }, 50);
      }
    });
    const code = await exited;
    assert.ok(signalled, stderr);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /0\/2 completed, 0 running, 0 queued, 2 stopped, 0 failed/);
    const plan = readJson<SweepPlan>(path.join(runs, '.sweeps', 'long', 'plan.json'));
    const stoppedAt = plan.trials.map((t) => readJson<RunStatus>(path.join(runs, t.runId, 'status.json')));
    for (const s of stoppedAt) {
      assert.equal(s.state, 'stopped');
      assert.ok(s.epoch >= 2 && s.epoch < 300, `stopped at epoch ${s.epoch}`);
    }
    const resumed = mla(['sweep', file, '--runs-dir', runs]);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const t of plan.trials) {
      const dirOf = path.join(runs, t.runId);
      assert.equal(readJson<RunStatus>(path.join(dirOf, 'status.json')).state, 'completed');
      assert.match(fs.readFileSync(path.join(dirOf, 'log.txt'), 'utf8'), /resuming mla run/);
    }
  });
});
