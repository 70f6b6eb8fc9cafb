// Run folders from anywhere (a cloned repository, a copied folder): the readers the extension runs on
// activation and the trainer's resume read every file with a limit and refuse devices, FIFOs and loops
// with a message naming the file, instead of blocking or reading without end.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readJsonFile } from '../../src/core/runs/atomic';
import { loadCheckpoint, saveCheckpoint } from '../../src/core/runs/checkpoint';
import { JsonlTail, readJsonl } from '../../src/core/runs/jsonl';
import { RunWriter } from '../../src/core/runs/writer';
import { REPO } from '../support/training';
import { epochRecord, status, summary } from './runs-fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-bounded-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A complete run folder written by the real writer, with two epochs and a summary. */
function runFolder(): string {
  const w = RunWriter.create(path.join(root, `runs${++n}`), 'r1', { name: 'probe', seed: 3 });
  w.setStatus(status('completed', process.pid));
  w.appendMetrics(epochRecord(1, 0.5));
  w.appendMetrics(epochRecord(2, 0.6));
  w.writeSummary(summary(3, 0.6, 0.6, { a: 0.5 }));
  w.close();
  return w.dir;
}

/** Runs `script` (CommonJS through tsx, from the repository root) in a child with a small heap and a deadline. */
function inChild(script: string): unknown {
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

describe('readRun on a damaged run folder', () => {
  it('refuses a /dev/zero metrics file, a FIFO status and a looping summary, and still reads the config', () => {
    const dir = runFolder();
    for (const name of ['metrics.jsonl', 'status.json', 'summary.json']) fs.rmSync(path.join(dir, name));
    fs.symlinkSync('/dev/zero', path.join(dir, 'metrics.jsonl'));
    execFileSync('mkfifo', [path.join(dir, 'status.json')]);
    fs.symlinkSync('summary.json.other', path.join(dir, 'summary.json'));
    fs.symlinkSync('summary.json', path.join(dir, 'summary.json.other'));
    const info = inChild(`
      const { readRun } = require('./src/core/runs/reader');
      readRun(${JSON.stringify(dir)}).then((info) =>
        process.stdout.write(JSON.stringify({ name: info.name, seed: info.seed, epochs: info.epochs.length,
          status: info.status, summary: info.summary, error: info.error })));`) as Record<string, unknown>;
    assert.deepEqual(info, {
      name: 'probe',
      seed: 3,
      epochs: 0,
      status: null,
      summary: null,
      error: [
        `${dir}/status.json: is a named pipe (FIFO), expected a regular file`,
        `${dir}/summary.json: symlink loop (too many levels of symbolic links)`,
        `${dir}/metrics.jsonl: is a character device, expected a regular file`,
      ].join('; '),
    });
  });

  it('caps whole-file reads of run-folder JSON and JSON lines, naming the file and the limit', () => {
    const dir = runFolder();
    const summaryFile = path.join(dir, 'summary.json');
    fs.writeFileSync(summaryFile, JSON.stringify({ padding: 'x'.repeat(3000) }));
    assert.throws(() => readJsonFile(summaryFile, 2048), {
      name: 'JsonFileError',
      message: `${summaryFile}: 2.9 KiB is more than the 2 KiB allowed for a run-folder JSON file`,
    });
    const metrics = path.join(dir, 'metrics.jsonl');
    const size = fs.statSync(metrics).size;
    assert.throws(() => readJsonl(metrics, size - 1), {
      name: 'FileAccessError',
      message: `${metrics}: ${size} bytes is more than the ${size - 1} bytes allowed for a JSON-lines file`,
    });
    assert.equal(readJsonl(metrics, size).records.length, 2);
  });

  it('refuses checkpoint weights that are a device', async () => {
    const dir = runFolder();
    await saveCheckpoint(dir, 1, [{ name: 'w', shape: [2], values: new Float32Array([1, 2]) }], {
      optimizer: null,
      hgm: null,
      rng: [1, 2, 3, 4],
      extra: { epochsDone: 1 },
    });
    const checkpoint = path.join(dir, 'checkpoints', 'epoch-0001');
    assert.equal((await loadCheckpoint(checkpoint)).tensors[0].values[1], 2);
    fs.rmSync(path.join(checkpoint, 'weights.bin'));
    fs.symlinkSync('/dev/zero', path.join(checkpoint, 'weights.bin'));
    await assert.rejects(loadCheckpoint(checkpoint), {
      message: `${checkpoint}/weights.bin: is a character device, expected a regular file`,
    });
  });

  it('refuses to append to a FIFO log when a run is reopened, instead of blocking', () => {
    const dir = runFolder();
    fs.rmSync(path.join(dir, 'log.txt'));
    execFileSync('mkfifo', [path.join(dir, 'log.txt')]);
    const result = inChild(`
      const { RunWriter } = require('./src/core/runs/writer');
      try { RunWriter.open(${JSON.stringify(dir)}); process.stdout.write('"opened"'); }
      catch (e) { process.stdout.write(JSON.stringify(e.message)); }`);
    assert.equal(result, `${dir}/log.txt: is a named pipe (FIFO), expected a regular file`);
  });
});

describe('JsonlTail', () => {
  it('never reads a FIFO or a device, and says why', () => {
    const dir = fs.mkdtempSync(path.join(root, 'tail-'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.jsonl')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.jsonl'));
    const result = inChild(`
      const { JsonlTail } = require('./src/core/runs/jsonl-tail');
      const out = [];
      for (const name of ['fifo.jsonl', 'zero.jsonl', 'missing.jsonl']) {
        const tail = new JsonlTail(${JSON.stringify(dir)} + '/' + name);
        out.push([tail.poll().length, tail.poll().length, tail.problem]);
      }
      process.stdout.write(JSON.stringify(out));`);
    assert.deepEqual(result, [
      [0, 0, `${dir}/fifo.jsonl: is a named pipe (FIFO), expected a regular file`],
      [0, 0, `${dir}/zero.jsonl: is a character device, expected a regular file`],
      [0, 0, null],
    ]);
  });

  it('catches up on a large file a bounded piece per poll, losing nothing', () => {
    const file = path.join(root, `big-${++n}.jsonl`);
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ i, pad: 'p'.repeat(i % 7) }) + '\n');
    fs.writeFileSync(file, lines.join(''));
    const tail = new JsonlTail<{ i: number }>(file, { pollBytes: 100 });
    const perPoll: number[] = [];
    const seen: number[] = [];
    for (let poll = 0; poll < 100 && seen.length < 40; poll++) {
      const records = tail.poll();
      perPoll.push(records.length);
      seen.push(...records.map((r) => r.i));
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 40 }, (_, i) => i),
    );
    // 40 lines of 16 to 22 bytes, 100 bytes a poll: never more than 6 records at once, about 8 polls.
    assert.ok(Math.max(...perPoll) <= 6, perPoll.join(','));
    assert.ok(perPoll.length >= 8 && perPoll.length <= 10, perPoll.join(','));
    assert.equal(tail.corrupt, 0);
  });

  it('skips a line longer than the limit without buffering it, and reads on after it', () => {
    const file = path.join(root, `long-${++n}.jsonl`);
    fs.writeFileSync(file, '{"i":1}\n' + 'x'.repeat(1000) + '\n{"i":2}\n');
    const tail = new JsonlTail<{ i: number }>(file, { pollBytes: 64, maxLineBytes: 200 });
    const seen: number[] = [];
    for (let poll = 0; poll < 40; poll++) seen.push(...tail.poll().map((r) => r.i));
    assert.deepEqual(seen, [1, 2]);
    assert.equal(tail.corrupt, 1);
    fs.appendFileSync(file, '{"i":3}\n');
    assert.deepEqual(
      tail.poll().map((r) => r.i),
      [3],
    );
  });
});
