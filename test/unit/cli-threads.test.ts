// `mla train --threads N` as a user runs it (the bundled trainer in a child process): a run on 2 kernel threads
// ends with the same weights, bit for bit, and the same metrics as on one; the run's log says how many threads
// its kernels had and why; a launcher's MLA_THREADS share applies when the config says auto; a conv2d config
// under `auto`, which loads wasm twice (to list it, then to time the model), trains on wasm with 2 threads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../support/bundle';
import { convWorkspace, epochRecords, exampleWorkspace, REPO, tempDir, timeless } from '../support/training';

const BIN = path.join(REPO, 'bin', 'mla.js');
const EPOCHS = 3;

let config: string;
let convConfig: string;

before(async () => {
  ensureBuilt();
  config = (await exampleWorkspace()).mla;
  convConfig = await convWorkspace('threads-conv');
});

/** Trains seed 0 for EPOCHS epochs into a fresh runs folder; returns the run folder. */
function train(args: string[], env: NodeJS.ProcessEnv = {}, file = config): string {
  const runs = tempDir('threads');
  const r = spawnSync(
    process.execPath,
    [BIN, 'train', file, '--seed', '0', '--epochs', String(EPOCHS), '--runs-dir', runs, '--quiet', ...args],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  const [run] = fs.readdirSync(runs);
  assert.ok(run, `a run folder in ${runs}`);
  return path.join(runs, run);
}

/** The epoch records without the fields that time the epoch. */
const metrics = (runDir: string) => epochRecords(runDir).map(timeless);

function lastWeights(runDir: string): Buffer {
  const dirs = fs.readdirSync(path.join(runDir, 'checkpoints')).sort();
  return fs.readFileSync(path.join(runDir, 'checkpoints', dirs[dirs.length - 1]!, 'weights.bin'));
}

/** The first line of the run's log.txt that contains `text`, or ''. */
const logLine = (runDir: string, text: string) =>
  fs
    .readFileSync(path.join(runDir, 'log.txt'), 'utf8')
    .split('\n')
    .find((line) => line.includes(text)) ?? '';

const backendLine = (runDir: string) => logLine(runDir, 'backend wasm: loaded');

describe('mla train --threads', () => {
  it('trains the same bits on 2 threads as on 1, and the log says which', () => {
    const one = train(['--backend', 'wasm', '--threads', '1']);
    const two = train(['--backend', 'wasm', '--threads', '2']);
    assert.match(backendLine(one), /kernels on 1 thread, --threads/);
    assert.match(backendLine(two), /kernels on 2 threads, --threads/);
    const [w1, w2] = [lastWeights(one), lastWeights(two)];
    assert.ok(w1.length > 10_000, `weights.bin holds the model (${w1.length} bytes)`);
    assert.ok(w1.equals(w2), 'weights.bin is byte-identical');
    const [m1, m2] = [metrics(one), metrics(two)];
    assert.equal(m1.length, EPOCHS);
    assert.deepEqual(m2, m1);
  });

  it("takes the launcher's MLA_THREADS share when the config says auto, and --threads over it", () => {
    assert.match(
      backendLine(train(['--backend', 'wasm'], { MLA_THREADS: '2' })),
      /kernels on 2 threads, MLA_THREADS/,
    );
    assert.match(
      backendLine(train(['--backend', 'wasm', '--threads', '1'], { MLA_THREADS: '2' })),
      /kernels on 1 thread, --threads\)/,
    );
  });

  it('trains a conv2d config on wasm with 2 threads under auto, the same bits as on 1', () => {
    const one = train(['--threads', '1'], {}, convConfig);
    const two = train(['--threads', '2'], {}, convConfig);
    for (const run of [one, two]) assert.match(logLine(run, 'backend in use:'), /backend in use: wasm$/);
    assert.match(backendLine(two), /loaded, [\d.]+ ms\/step .*kernels on 2 threads, --threads/);
    assert.ok(lastWeights(one).equals(lastWeights(two)), 'weights.bin is byte-identical');
    assert.deepEqual(metrics(two), metrics(one));
  });

  it('says once, and trains on one thread, where the runtime has no SharedArrayBuffer', () => {
    const runs = tempDir('threads-nosab');
    const r = spawnSync(
      process.execPath,
      [
        '--no-harmony-sharedarraybuffer',
        BIN,
        'train',
        config,
        '--seed',
        '0',
        '--epochs',
        '1',
        '--runs-dir',
        runs,
        '--backend',
        'wasm',
        '--threads',
        '2',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const said = r.stderr.split('\n').filter((line) => line.includes('asked for'));
    assert.deepEqual(said, [
      'backend: wasm (kernels on 1 thread, 2 asked for but this runtime has no SharedArrayBuffer)',
    ]);
  });

  it('refuses a thread count that is not a whole number ≥ 1, naming the flag', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', config, '--threads', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--threads: expected a whole number ≥ 1, found "0"/);
  });
});
