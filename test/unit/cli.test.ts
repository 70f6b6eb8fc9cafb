// The `mla` command line as a user runs it: the bundled program in a child process, real files, real signals.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { decodeTrainerEvent } from '../../src/protocol/trainerEvents';
import { readJsonl } from '../../src/core/runs/jsonl';
import { readRun } from '../../src/core/runs/reader';
import type { FusionRecord, MetricsRecord, RunStatus } from '../../src/core/runs/types';
import { checkpointDirName } from '../../src/core/runs/checkpoint';
import { handwrittenLikeWorkspace } from '../fixtures/handwritten/makeHandwrittenLike';
import { exampleWorkspace, REPO, tempDir } from '../support/training';
import { waitFor } from '../support/waitFor';

const BIN = path.join(REPO, 'bin', 'mla.js');

function mla(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

let ws: { dir: string; mla: string; joint: string };

before(async () => {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  ws = await exampleWorkspace();
});

describe('mla command line', () => {
  it('prints help for every command', () => {
    for (const [args, words] of [
      [['--help'], 'mla train <config.mla.json>'],
      [['train', '--help'], '--resume DIR'],
      [['validate', '--help'], 'file:line:col'],
      [['eval', '--help'], '--samples LIST'],
      [['example', '--help'], 'example-joint.mla.json'],
    ] as const) {
      const r = mla([...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes(words), `${args.join(' ')}: ${r.stdout}`);
    }
    const unknown = mla(['fly']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "fly"/);
  });

  it('validates the handwritten config with no diagnostics', () => {
    const r = mla(['validate', handwrittenLikeWorkspace().config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /valid/);
  });

  it('reports a broken config as file:line:col diagnostics and exit code 1', () => {
    const file = path.join(ws.dir, 'broken.mla.json');
    fs.writeFileSync(
      file,
      '{\n  "dataset": "data/dataset.json",\n  "mla": { "order": ["strong", "loud"] },\n  "training": { "epochs": 0 }\n}\n',
    );
    const r = mla(['validate', file], ws.dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.ok(
      lines.some((l) => /^broken\.mla\.json:3:\d+: error: .*loud/.test(l)),
      r.stdout,
    );
    assert.ok(
      lines.some((l) => /^broken\.mla\.json:4:27: error: expected an integer ≥ 1, found 0/.test(l)),
      r.stdout,
    );
    const train = mla(['train', file], ws.dir);
    assert.equal(train.code, 2);
    assert.match(train.stderr, /loud/);
    assert.doesNotMatch(train.stderr, /\n\s+at /);
  });

  it('trains, summarises per seed, and eval re-creates the fusion records', async () => {
    const runs = tempDir('cli-runs');
    const r = mla(['train', ws.mla, '--epochs', '2', '--seed', '0', '--seed', '1', '--runs-dir', runs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /seed 0 completed: test fused \d+\.\d% \(strong \d+\.\d%, medium \d+\.\d%, weak \d+\.\d%\)/,
    );
    assert.match(r.stdout, /seed 1 completed/);
    assert.match(r.stdout, /2 seeds done: fused \d+\.\d ± \d+\.\d%, \w+ \d+\.\d ± \d+\.\d%/);
    assert.match(r.stderr, /backend: wasm/);
    const dirs = fs.readdirSync(runs).map((d) => path.join(runs, d));
    assert.equal(dirs.length, 2);
    const runDir = dirs.find((d) => d.endsWith('_s0'))!;
    const ev = mla(['eval', runDir, '--samples', '0,2-3']);
    assert.equal(ev.code, 0, ev.stderr);
    const printed = ev.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as FusionRecord);
    assert.deepEqual(
      printed.map((p) => p.index),
      [0, 2, 3],
    );
    const saved = fs
      .readFileSync(path.join(runDir, 'fusion.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FusionRecord);
    for (const p of printed) assert.deepEqual(p, saved[p.index]);
    const bad = mla(['eval', runDir, '--samples', '100000']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /outside the test split/);
  });

  it('speaks JSON events with --json', () => {
    const runs = tempDir('cli-json');
    const r = mla(['train', ws.joint, '--epochs', '2', '--seed', '0', '--runs-dir', runs, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => decodeTrainerEvent(l));
    assert.ok(events.every((e) => e !== null));
    const types = events.map((e) => e!.type);
    assert.deepEqual(
      types.filter((t) => t !== 'progress' && t !== 'diagnostic'),
      ['backend', 'run-started', 'epoch', 'epoch', 'run-ended'],
    );
  });

  it('SIGTERM stops with a checkpoint and exit 0; --resume finishes the run', async () => {
    const runs = tempDir('cli-stop');
    const child = spawn(
      process.execPath,
      [BIN, 'train', ws.mla, '--epochs', '500', '--seed', '0', '--runs-dir', runs],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
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
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    const status = readJson<RunStatus>(path.join(runDir, 'status.json'));
    assert.equal(status.state, 'stopped');
    // A stop lands between two batches of an epoch, so its checkpoint carries the unfinished epoch's number:
    // a folder no finished epoch writes.
    const stopCheckpoint = checkpointDirName(status.epoch + 1);
    assert.ok(
      fs.readdirSync(path.join(runDir, 'checkpoints')).includes(stopCheckpoint),
      `no ${stopCheckpoint} after a stop at epoch ${status.epoch}`,
    );
    assert.equal((await readRun(runDir)).checkpoints.at(-1)?.epoch, status.epoch + 1);
    const target = status.epoch + 2;
    const resumed = mla(['train', '--resume', runDir, '--epochs', String(target)]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = readJson<RunStatus>(path.join(runDir, 'status.json'));
    assert.equal(final.state, 'completed');
    const epochs = readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl'))
      .records.filter((r) => r.type === 'epoch')
      .map((r) => r.epoch);
    assert.deepEqual(
      epochs,
      Array.from({ length: target }, (_, i) => i + 1),
    );
  });

  it('a killed trainer leaves every finished epoch readable and reads as stale', async () => {
    const runs = tempDir('cli-kill');
    const child = spawn(
      process.execPath,
      [BIN, 'train', ws.mla, '--epochs', '500', '--seed', '0', '--runs-dir', runs],
      {
        stdio: 'ignore',
      },
    );
    const runDir = await waitFor('three epoch records', () => {
      const names = fs.existsSync(runs) ? fs.readdirSync(runs) : [];
      if (names.length === 0) return null;
      const dir = path.join(runs, names[0]);
      const metrics = path.join(dir, 'metrics.jsonl');
      const text = fs.existsSync(metrics) ? fs.readFileSync(metrics, 'utf8') : '';
      return (text.match(/"type":"epoch"/g) ?? []).length >= 3 ? dir : null;
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const { records, corrupt } = readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl'));
    assert.equal(corrupt, 0);
    const epochs = records.filter((r) => r.type === 'epoch').map((r) => r.epoch);
    assert.ok(epochs.length >= 3);
    assert.deepEqual(
      epochs,
      Array.from({ length: epochs.length }, (_, i) => i + 1),
    );
    const info = await readRun(runDir);
    assert.equal(info.liveness, 'stale');
  });
});
