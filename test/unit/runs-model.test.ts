// The one run model: the state rule for a stale run, the rule for a single seed and the "98.9 ± 0.4"
// formatter, the checked config record and seed groups, all read from real run folders in a temp dir.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { saveCheckpoint } from '../../src/core/runs/checkpoint';
import { groupRunsByConfig, seedGroupOf } from '../../src/core/runs/groups';
import { STALE_MESSAGE } from '../../src/core/runs/liveness';
import { readRun, readStatus } from '../../src/core/runs/reader';
import type { RunStatus } from '../../src/core/runs/types';
import { RunWriter } from '../../src/core/runs/writer';
import { isResumable, toRunView } from '../../src/extension/runView';
import { aggregateSeeds } from '../../src/shared/aggregate';
import { formatMeanStd } from '../../src/shared/format';
import { meanStd } from '../../src/shared/stats';
import { epochRecord, runConfig, status, summary } from './runs-fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-model-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshRunsDir = (): string => path.join(root, `runs${++n}`);

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  assert.ok(child.pid !== undefined);
  return child.pid;
}

function writeRun(runsDir: string, id: string, config: object, runStatus: RunStatus): RunWriter {
  const w = RunWriter.create(runsDir, id, config);
  w.setStatus(runStatus);
  return w;
}

describe('the state rule', () => {
  it('a running status whose process is gone is stale, with the reason, and resumable from a checkpoint', async () => {
    const runsDir = freshRunsDir();
    const w = writeRun(runsDir, 'killed', runConfig('toy-mla', 0, 'g1'), status('running', await deadPid()));
    w.appendMetrics(epochRecord(1, 0.8));
    w.close();
    await saveCheckpoint(w.dir, 1, [{ name: 'w', shape: [1], values: new Float32Array([1]) }], {
      optimizer: null,
      hgm: null,
      rng: null,
      extra: null,
    });
    const run = await readRun(w.dir);
    assert.equal(run.liveness, 'stale');
    assert.equal(run.displayState, 'stale');
    assert.equal(run.reason, STALE_MESSAGE);
    // The dashboard and the tree show what the core decided, not a second rule.
    const view = toRunView(run);
    assert.equal(view.state, 'stale');
    assert.equal(view.stateDetail, STALE_MESSAGE);
    assert.equal(isResumable(run), true);
  });

  it('a recorded failure stays failed with its error; a live trainer is running', async () => {
    const runsDir = freshRunsDir();
    const failed = writeRun(runsDir, 'failed', runConfig('toy-mla', 1, 'g1'), {
      ...status('failed', await deadPid()),
      error: 'out of memory',
    });
    failed.close();
    const f = await readRun(failed.dir);
    assert.equal(f.displayState, 'failed');
    assert.equal(f.reason, 'out of memory');
    assert.equal(isResumable(f), false); // no checkpoint

    const live = writeRun(runsDir, 'live', runConfig('toy-mla', 2, 'g1'), status('running', process.pid));
    live.close();
    const l = await readRun(live.dir);
    assert.equal(l.displayState, 'running');
    assert.equal(l.reason, null);
    assert.equal(toRunView(l).state, 'running');
  });

  it('readStatus: none before status.json exists; a damaged one names the file and the field', () => {
    const runsDir = freshRunsDir();
    const w = RunWriter.create(runsDir, 'r', runConfig('toy-mla', 0, 'g1'));
    w.close();
    assert.equal(readStatus(w.dir), null);
    const file = path.join(w.dir, 'status.json');
    fs.writeFileSync(file, JSON.stringify({ ...status('running', 1), pid: 'one' }));
    assert.throws(() => readStatus(w.dir), { message: `${file}: /pid must be a number` });
    fs.writeFileSync(file, JSON.stringify(status('stopped', 4242)));
    assert.equal(readStatus(w.dir)?.state, 'stopped');
    assert.equal(readStatus(w.dir)?.pid, 4242);
  });
});

describe('one seed', () => {
  it('has a mean and no std: shown as the mean alone, never "± 0" or NaN', () => {
    const one = meanStd([0.989]);
    assert.equal(one.n, 1);
    assert.equal(one.mean, 0.989);
    assert.ok(Number.isNaN(one.std));
    assert.equal(formatMeanStd(one.mean, one.std), '98.9');
    assert.equal(formatMeanStd(one.mean, one.std, { unit: '%' }), '98.9%');
    const agg = aggregateSeeds([summary(3, 0.989, 0.95, { a: 0.7 })], ['a']);
    assert.equal(formatMeanStd(agg.fused.test.mean, agg.fused.test.std), '98.9');
    assert.equal(formatMeanStd(agg.unimodal.a.test.mean, agg.unimodal.a.test.std), '70.0');
  });

  it('two seeds: the sample std (n − 1); missing values left out; none at all is "–"', () => {
    // 0.97 and 0.99: mean 0.98, sample std sqrt((0.01² + 0.01²) / 1) = 0.0141421.
    const two = meanStd([0.97, null, 0.99, Number.NaN]);
    assert.equal(two.n, 2);
    assert.ok(Math.abs(two.mean - 0.98) < 1e-12);
    assert.ok(Math.abs(two.std - Math.SQRT2 * 0.01) < 1e-12);
    assert.equal(formatMeanStd(two.mean, two.std), '98.0 ± 1.4');
    assert.equal(formatMeanStd(two.mean, two.std, { digits: 2, unit: '%' }), '98.00 ± 1.41%');
    assert.equal(formatMeanStd(19, 8.54, { scale: 1 }), '19.0 ± 8.5');
    const none = meanStd([]);
    assert.equal(none.n, 0);
    assert.equal(formatMeanStd(none.mean, none.std), '–');
  });
});

describe('config.json and seed groups', () => {
  it('the trainer record is checked and read as the resolved config', async () => {
    const runsDir = freshRunsDir();
    const w = writeRun(
      runsDir,
      'joint',
      runConfig('toy-joint', 0, 'g1', { method: 'joint', backend: 'cpu' }),
      status('completed', process.pid),
    );
    w.close();
    const run = await readRun(w.dir);
    assert.equal(run.error, null);
    assert.equal(run.resolved?.method, 'joint');
    const view = toRunView(run);
    assert.deepEqual(
      [view.method, view.backend, view.fusionType, view.modalities, view.epochs],
      ['joint', 'cpu', 'concat-head', ['a', 'b'], 10],
    );
  });

  it('a damaged record is reported with the file and the place; the run still lists', async () => {
    const runsDir = freshRunsDir();
    const w = writeRun(
      runsDir,
      'bad',
      { ...runConfig('toy-mla', 0, 'g1'), method: 'lazy' },
      status('completed', process.pid),
    );
    w.close();
    const run = await readRun(w.dir);
    assert.equal(run.resolved, null);
    assert.equal(run.name, 'toy-mla');
    assert.equal(
      run.error,
      `${path.join(w.dir, 'config.json')}: /method must be one of mla, joint, unimodal, ogm-ge, mmpareto, gblending, reconboost`,
    );
    assert.equal(toRunView(run).method, 'mla');
  });

  it('groups by config, then by launch (newest first), each by seed', async () => {
    const runsDir = freshRunsDir();
    const make = async (id: string, name: string, seed: number, group: string) => {
      const w = writeRun(runsDir, id, runConfig(name, seed, group), status('completed', process.pid));
      w.close();
      return readRun(w.dir);
    };
    const runs = [
      await make('r1', 'toy-mla', 1, '2026-01-02T00:00:00.000Z'),
      await make('r2', 'toy-mla', 0, '2026-01-02T00:00:00.000Z'),
      await make('r3', 'toy-mla', 0, '2026-01-01T00:00:00.000Z'),
      await make('r4', 'toy-joint', 0, '2026-01-01T00:00:00.000Z'),
    ];
    assert.deepEqual(
      groupRunsByConfig(runs).map((c) => [c.name, c.groups.map((g) => g.runs.map((r) => r.id))]),
      [
        ['toy-joint', [['r4']]],
        ['toy-mla', [['r2', 'r1'], ['r3']]],
      ],
    );
    assert.deepEqual(
      seedGroupOf(runs[0], runs).map((r) => r.id),
      ['r1', 'r2'],
    );
  });
});
