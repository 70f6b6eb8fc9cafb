// A run folder with a live trainer (a real `mla train --resume` child process, 256 MB heap): a second resume,
// `mla eval` writing into the folder and Delete are refused with the holder named; `mla eval --out` outside
// the folder reads a verified checkpoint and leaves the folder as it was; after the trainer stops, all work.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deleteRunFolder } from '../../src/core/runs/delete-run';
import { readJsonl } from '../../src/core/runs/jsonl';
import { LOCK_FILE, readLock, type LockHolder } from '../../src/core/runs/lock';
import type { MetricsRecord } from '../../src/core/runs/types';
import { ensureBuilt } from '../support/bundle';
import { BIN } from '../support/cli';
import { exampleWorkspace, REPO, tempDir } from '../support/training';
import { waitFor } from '../support/waitFor';

const HEAP = '--max-old-space-size=256';

function mla(args: string[]) {
  const r = spawnSync(process.execPath, [HEAP, BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const epochsIn = (runDir: string): number[] =>
  readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl'))
    .records.filter((r) => r.type === 'epoch')
    .map((r) => r.epoch);

/** Every file of the folder with its size, checkpoints and the growing metrics.jsonl left out. */
function settledFiles(runDir: string): string[] {
  return fs
    .readdirSync(runDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('checkpoints') && f !== 'metrics.jsonl' && f !== 'log.txt')
    .sort();
}

describe('a run folder with a live trainer', () => {
  let runDir: string;
  let trainer: ChildProcess;
  let trainerErr = '';
  let exited: Promise<number | null>;
  let holder: LockHolder;

  before(async () => {
    ensureBuilt();
    const ws = await exampleWorkspace();
    const runs = tempDir('live-runs');
    const r = spawnSync(
      process.execPath,
      [HEAP, BIN, 'train', ws.mla, '--epochs', '2', '--seed', '0', '--runs-dir', runs, '--quiet'],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    runDir = path.join(runs, fs.readdirSync(runs)[0]);
    trainer = spawn(
      process.execPath,
      [HEAP, BIN, 'train', '--resume', runDir, '--epochs', '100000', '--quiet'],
      { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    trainer.stderr!.on('data', (d: Buffer) => (trainerErr += d.toString()));
    exited = new Promise((resolve) => trainer.on('close', (code) => resolve(code)));
    // The resumed trainer holds the lock and has finished epochs of its own.
    holder = await waitFor('the resumed trainer to hold the lock and finish 2 epochs', () => {
      const lock = readLock(runDir);
      return lock?.pid === trainer.pid && epochsIn(runDir).length >= 4 && lock;
    });
  });

  after(() => {
    if (trainer.exitCode === null) trainer.kill('SIGKILL');
  });

  const inUse = () =>
    `${runDir}: the run is in use by pid ${trainer.pid} on ${os.hostname()} (resuming since ${holder.since})`;

  it('refuses a second resume with the holder named', () => {
    const second = mla(['train', '--resume', runDir, '--epochs', '100000', '--quiet']);
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.stderr, `mla train: ${inUse()}\n`);
  });

  it('refuses `mla eval` that would write into the run folder, naming the holder', () => {
    const r = mla(['eval', runDir, '--checkpoint', 'latest']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      `mla eval: ${inUse()}; eval writes into the run folder only when the run is free: pass --out with a file outside it to evaluate a checkpoint now\n`,
    );
    assert.equal(fs.existsSync(path.join(runDir, 'eval')), false);
    assert.equal(readLock(runDir)?.pid, trainer.pid);
  });

  it('evaluates a checkpoint of the live run with --out outside it, writing nothing into the folder', () => {
    const before = settledFiles(runDir);
    const out = path.join(tempDir('live-eval'), 'records.jsonl');
    const r = mla(['eval', runDir, '--checkpoint', 'best', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const scores = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      epoch: number;
      test: { fused: number };
    };
    assert.ok(scores.epoch >= 1, String(scores.epoch));
    assert.ok(scores.test.fused > 0.5, `test accuracy ${scores.test.fused}`);
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 300);
    assert.deepEqual(settledFiles(runDir), before);
    assert.equal(readLock(runDir)?.pid, trainer.pid);
  });

  it('refuses Delete with the holder named and leaves the folder whole', async () => {
    await assert.rejects(deleteRunFolder(runDir), { name: 'RunLockedError', message: inUse() });
    assert.ok(fs.existsSync(path.join(runDir, 'config.json')));
  });

  it('after a stop: metrics whole, eval writes into the folder and Delete removes it', async () => {
    trainer.kill('SIGTERM');
    assert.equal(await exited, 0, trainerErr);
    assert.equal(fs.existsSync(path.join(runDir, LOCK_FILE)), false);
    const metrics = readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl'));
    assert.equal(metrics.corrupt, 0);
    assert.equal(metrics.partialTail, false);
    const epochs = epochsIn(runDir);
    assert.deepEqual(
      epochs,
      Array.from({ length: epochs.length }, (_, i) => i + 1),
    );
    const r = mla(['eval', runDir, '--checkpoint', 'latest', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readdirSync(path.join(runDir, 'eval')).length, 1);
    assert.equal(fs.existsSync(path.join(runDir, LOCK_FILE)), false, 'eval released its lock');
    await deleteRunFolder(runDir);
    assert.equal(fs.existsSync(runDir), false);
    assert.deepEqual(fs.readdirSync(path.dirname(runDir)), []);
  });
});
