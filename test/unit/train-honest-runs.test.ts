// Runs that are what they say: a config that leaves a split empty fails the run with what to change; a loss
// that stops being finite fails the run naming the epoch and the modality; a stop is honoured at the next
// step boundary even when an epoch is a single batch (in process, and by SIGTERM to the `mla` program).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import type { RunStatus } from '../../src/core/runs/types';
import { resumeRun } from '../../src/core/train/runner';
import {
  backend,
  epochRecords,
  exampleWorkspace,
  loadConfig,
  REPO,
  tempDir,
  timeless,
  train,
} from '../support/training';
import { waitFor } from '../support/waitFor';

const BIN = path.join(REPO, 'bin', 'mla.js');
/** Larger than the example's train split: every epoch is one batch. */
const ONE_BATCH = 4096;

let ws: { dir: string; mla: string; joint: string };

function patched(patch: (training: Record<string, unknown>) => void): Promise<ResolvedConfig> {
  return loadConfig(ws.mla, (raw) => patch(raw.training as Record<string, unknown>));
}

function readStatus(runDir: string): RunStatus {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'status.json'), 'utf8')) as RunStatus;
}

before(async () => {
  ws = await exampleWorkspace();
});

describe('runs that are not what they say', () => {
  it('fails a run whose valFraction leaves no rows to train on, saying what to change', async () => {
    const config = await patched((t) => (t.valFraction = 0.999));
    const run = await train(config, 0, tempDir('empty-train'));
    assert.equal(run.state, 'failed');
    assert.match(
      run.error ?? '',
      /no rows to train on: training\.valFraction 0\.999 moves all \d+ train rows/,
    );
    assert.equal(readStatus(run.runDir).state, 'failed');
    assert.equal(epochRecords(run.runDir).length, 0);
  });

  it('keeps a small valFraction: stratified carving puts a row of every class in validation', async () => {
    const config = await patched((t) => (t.valFraction = 0.0001));
    const run = await train(config, 0, tempDir('empty-val'));
    // Stratified carving takes at least one row of every class with two or more: never empty here.
    assert.equal(run.state, 'completed', run.error);
  });

  it('fails a diverging MLA run with HGM on at the epoch and the modality whose projector blew up', async () => {
    const config = await loadConfig(ws.mla, (raw) => {
      Object.assign(raw.training as Record<string, unknown>, {
        epochs: 3,
        optimizer: { type: 'sgd', lr: 1e30 },
      });
    });
    const run = await train(config, 0, tempDir('nan-hgm'));
    assert.equal(run.state, 'failed');
    assert.match(
      run.error ?? '',
      /^epoch 1: modality "(strong|medium|weak)": the HGM projector became zero or non-finite \(‖P‖²_F = NaN\): training diverged; a lower training.optimizer.lr/,
    );
    // An expected failure: the log says why, without a stack trace.
    const log = fs.readFileSync(path.join(run.runDir, 'log.txt'), 'utf8');
    assert.ok(!/\n\s+at /.test(log), log);
  });

  it('fails a diverging run with the epoch and the modality of the non-finite loss', async () => {
    // Without HGM, whose projector check would catch the blow-up first.
    const config = await loadConfig(ws.mla, (raw) => {
      Object.assign(raw.training as Record<string, unknown>, {
        epochs: 3,
        optimizer: { type: 'sgd', lr: 1e30 },
      });
      raw.mla = { ...(raw.mla as Record<string, unknown>), hgm: { mode: 'off' } };
    });
    const run = await train(config, 0, tempDir('nan-loss'));
    assert.equal(run.state, 'failed');
    assert.match(run.error ?? '', /^epoch 1: the loss of modality "(strong|medium|weak)" is (NaN|Infinity)/);
    const status = readStatus(run.runDir);
    assert.equal(status.state, 'failed');
    assert.equal(status.error, run.error);
    assert.equal(epochRecords(run.runDir).length, 0);
  });

  it('stops between epochs when an epoch is a single batch, and resumes to the uninterrupted run', async () => {
    const config = await patched((t) => {
      t.epochs = 3;
      t.batchSize = ONE_BATCH;
    });
    const straight = await train(config, 2, tempDir('one-batch-ref'));
    let epochsSeen = 0;
    const stopped = await train(config, 2, tempDir('one-batch'), {
      shouldStop: () => epochsSeen >= 1,
      onEpoch: () => epochsSeen++,
    });
    assert.equal(stopped.state, 'stopped');
    assert.equal(epochRecords(stopped.runDir).length, 1);
    const resumed = await resumeRun({
      runDir: stopped.runDir,
      backend: await backend(),
      hooks: { shouldStop: () => false },
    });
    assert.equal(resumed.state, 'completed');
    assert.deepEqual(epochRecords(stopped.runDir).map(timeless), epochRecords(straight.runDir).map(timeless));
  });

  it('SIGTERM to `mla train` stops a run of single-batch epochs with exit 0', async () => {
    const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
      cwd: REPO,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stderr);
    const raw = JSON.parse(fs.readFileSync(ws.mla, 'utf8')) as { training: Record<string, unknown> };
    raw.training.batchSize = ONE_BATCH;
    const configFile = path.join(ws.dir, 'one-batch.mla.json');
    fs.writeFileSync(configFile, JSON.stringify(raw, null, 2));
    const runs = tempDir('one-batch-sigterm');
    const child = spawn(
      process.execPath,
      [BIN, 'train', configFile, '--epochs', '100000', '--seed', '0', '--runs-dir', runs],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const runDir = await waitFor('the first epoch record', () => {
      const names = fs.existsSync(runs) ? fs.readdirSync(runs) : [];
      if (names.length === 0) return null;
      const dir = path.join(runs, names[0]);
      const metrics = path.join(dir, 'metrics.jsonl');
      return fs.existsSync(metrics) && fs.readFileSync(metrics, 'utf8').includes('"type":"epoch"')
        ? dir
        : null;
    });
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const status = readStatus(runDir);
    assert.equal(status.state, 'stopped');
    const epochs = epochRecords(runDir).length;
    assert.ok(epochs >= 1 && epochs < 100000, `${epochs} epochs`);
    assert.equal(status.epoch, epochs);
  });
});
