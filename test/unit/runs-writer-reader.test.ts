import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { saveCheckpoint } from '../../src/core/runs/checkpoint';
import { readJsonl } from '../../src/core/runs/jsonl';
import { STALE_MESSAGE } from '../../src/core/runs/liveness';
import { groupRunsByConfig } from '../../src/core/runs/groups';
import { listRunDirs, readRun } from '../../src/core/runs/reader';
import type { FusionRecord, StepRecord } from '../../src/core/runs/types';
import { RunWriter } from '../../src/core/runs/writer';
import { epochRecord, status, summary } from './runs-fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-rw-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshRunsDir = (): string => path.join(root, `runs${++n}`);

const step: StepRecord = { type: 'step', epoch: 1, batch: 3, batches: 10, loss: { a: 0.9 }, elapsed: 0.2 };

test('RunWriter.create lays out the folder; the reader sees every record', async () => {
  const runsDir = freshRunsDir();
  const w = RunWriter.create(runsDir, 'r1', { name: 'hw-mla', seed: 2, backend: 'cpu' });
  assert.equal(w.runId, 'r1');
  assert.deepEqual(fs.readdirSync(w.dir).sort(), ['checkpoints', 'config.json', 'log.txt', 'metrics.jsonl']);
  w.setStatus(status('running', process.pid));
  w.appendMetrics(step);
  w.appendMetrics(epochRecord(1, 0.8));
  w.appendMetrics(epochRecord(2, 0.85));
  w.log('backend: cpu\nwasm failed: no SIMD');
  let info = await readRun(w.dir);
  assert.equal(info.liveness, 'alive');
  assert.equal(info.stateLabel, 'running');
  assert.equal(info.summary, null);
  assert.deepEqual(
    info.epochs.map((e) => e.val.fused),
    [0.8, 0.85],
  );

  const fusion: FusionRecord[] = [
    {
      id: 7,
      index: 0,
      label: 1,
      probs: { a: [0.2, 0.8] },
      entropy: { a: 0.5 },
      weights: { a: 1 },
      fused: [0.2, 0.8],
      prediction: 1,
      correct: true,
    },
  ];
  w.writeFusion(fusion);
  w.writeSummary(summary(2, 0.9, 0.88, { a: 0.8, b: 0.7 }));
  w.setStatus({ ...status('completed', process.pid), endedAt: '2026-01-01T01:00:00.000Z', epoch: 2 });
  await saveCheckpoint(w.dir, 2, [{ name: 'w', shape: [2], values: new Float32Array([1, 2]) }], {
    optimizer: null,
    hgm: null,
    rng: [1, 2, 3, 4],
    extra: null,
  });
  w.close();
  w.close(); // idempotent
  assert.throws(() => w.appendMetrics(step), /run writer already closed/);

  info = await readRun(w.dir);
  assert.equal(info.error, null);
  assert.equal(info.name, 'hw-mla');
  assert.equal(info.seed, 2);
  assert.equal(info.liveness, 'ended');
  assert.equal(info.displayState, 'completed');
  assert.equal(info.summary?.test.fused, 0.9);
  assert.equal(info.lastEpoch?.epoch, 2);
  assert.deepEqual(
    info.checkpoints.map((c) => c.epoch),
    [2],
  );
  assert.deepEqual(readJsonl<FusionRecord>(path.join(w.dir, 'fusion.jsonl')).records, fusion);
  const log = fs.readFileSync(path.join(w.dir, 'log.txt'), 'utf8').split('\n');
  assert.match(log[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}backend: cpu$/);
  assert.match(log[1], /Z {2}wasm failed: no SIMD$/);
  assert.equal(log.length, 3); // two lines and the final newline
});

test('RunWriter.create refuses an existing folder; open resumes it and repairs a torn metrics line', async () => {
  const runsDir = freshRunsDir();
  const w = RunWriter.create(runsDir, 'r', { name: 'x', seed: 0 });
  w.appendMetrics(epochRecord(1, 0.5));
  w.appendMetrics(epochRecord(2, 0.6));
  w.close();
  assert.throws(() => RunWriter.create(runsDir, 'r', {}), {
    message: `${path.join(runsDir, 'r')}: run folder already exists (choose another run id, see newRunId)`,
  });

  // Killed while writing epoch 3, resumed from the epoch-2 checkpoint, epoch 2 redone with a new figure.
  fs.appendFileSync(path.join(w.dir, 'metrics.jsonl'), '{"type":"epoch","epoch":3,"va');
  fs.writeFileSync(path.join(w.dir, 'status.json.tmp-999999-3'), '{"sta');
  let info = await readRun(w.dir);
  assert.equal(info.metrics.partialTail, true);
  assert.deepEqual(
    info.epochs.map((e) => e.epoch),
    [1, 2],
  );

  const resumed = RunWriter.open(w.dir);
  assert.equal(fs.existsSync(path.join(w.dir, 'status.json.tmp-999999-3')), false);
  resumed.appendMetrics(epochRecord(2, 0.65));
  resumed.appendMetrics(epochRecord(3, 0.7));
  resumed.close();
  info = await readRun(w.dir);
  assert.deepEqual(
    info.epochs.map((e) => [e.epoch, e.val.fused]),
    [
      [1, 0.5],
      [2, 0.65],
      [3, 0.7],
    ],
  );
  assert.equal(info.metrics.partialTail, false);
  assert.deepEqual(info.metrics.corruptLines, [3]);

  const notARun = path.join(root, 'not-a-run');
  fs.mkdirSync(notARun);
  assert.throws(() => RunWriter.open(notARun), {
    message: `${path.join(notARun, 'config.json')}: file not found`,
  });
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  assert.ok(child.pid !== undefined);
  return child.pid;
}

test('a running status whose process is gone reads as stale; another host stays running', async () => {
  const runsDir = freshRunsDir();
  const pid = await deadPid();
  const local = RunWriter.create(runsDir, 'local', { name: 'x', seed: 0 });
  local.setStatus(status('running', pid));
  local.close();
  const info = await readRun(local.dir);
  assert.equal(info.liveness, 'stale');
  assert.equal(info.displayState, 'stale');
  assert.equal(info.stateLabel, 'stale');
  assert.equal(info.reason, STALE_MESSAGE);

  const remote = RunWriter.create(runsDir, 'remote', { name: 'x', seed: 1 });
  remote.setStatus(status('running', pid, `not-${os.hostname()}`));
  remote.close();
  const far = await readRun(remote.dir);
  assert.equal(far.liveness, 'remote');
  assert.equal(far.displayState, 'remote');
  assert.equal(far.stateLabel, 'running (remote)');

  const failed = RunWriter.create(runsDir, 'failed', { name: 'x', seed: 2 });
  failed.setStatus({ ...status('failed', pid), error: 'out of memory' });
  failed.close();
  const f = await readRun(failed.dir);
  assert.equal(f.liveness, 'ended');
  assert.equal(f.reason, 'out of memory');
});

test('every run folder is listed and read, a broken one as an entry with an error; groups by config and seed', async () => {
  const runsDir = freshRunsDir();
  assert.deepEqual(await listRunDirs(runsDir), []); // not created yet
  for (const [id, name, seed] of [
    ['2026-01-01T00-00-02-000Z_b_s1', 'b', 1],
    ['2026-01-01T00-00-01-000Z_a_s1', 'a', 1],
    ['2026-01-01T00-00-00-000Z_a_s0', 'a', 0],
  ] as const) {
    const w = RunWriter.create(runsDir, id, { config: { name }, seed });
    w.setStatus(status('completed', process.pid));
    w.writeSummary(summary(seed, 0.9, 0.9, { a: 0.8 }));
    w.close();
  }
  const broken = path.join(runsDir, '2026-01-01T00-00-03-000Z_a_s2');
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, 'config.json'), '{"name": "a", ');
  fs.writeFileSync(
    path.join(broken, 'summary.json'),
    JSON.stringify({ ...summary(2, 0.9, 0.9, {}), bestEpoch: 'five' }),
  );
  fs.writeFileSync(path.join(runsDir, 'stray-file.txt'), 'x');

  const runs = await Promise.all((await listRunDirs(runsDir)).map(readRun));
  assert.deepEqual(
    runs.map((r) => r.id),
    [
      '2026-01-01T00-00-00-000Z_a_s0',
      '2026-01-01T00-00-01-000Z_a_s1',
      '2026-01-01T00-00-02-000Z_b_s1',
      '2026-01-01T00-00-03-000Z_a_s2',
    ],
  );
  assert.deepEqual(
    runs.map((r) => r.error === null),
    [true, true, true, false],
  );
  const err = runs[3].error!;
  assert.ok(err.includes(`${path.join(broken, 'config.json')}: invalid JSON`), err);
  assert.ok(err.includes(`${path.join(broken, 'summary.json')}: /bestEpoch must be a number`), err);
  assert.equal(runs[3].summary, null);
  assert.equal(runs[3].liveness, 'unknown');

  // No `run.group` in these configs: each run's start time is its launch, and all three started together.
  const groups = groupRunsByConfig(runs);
  assert.deepEqual(
    groups.map((c) => [c.name, c.groups.map((g) => g.runs.map((r) => r.seed))]),
    [
      ['a', [[0, 1]]],
      ['b', [[1]]],
      ['unnamed', [[null]]],
    ],
  );
});
