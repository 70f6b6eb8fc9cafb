// A run folder as the run table reads it: config.json flattened, the sweep's axes, summary.json's figures,
// and metrics.jsonl never opened (a damaged one leaves no trace in the row).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readTableRun, tableRunOf } from '../../src/core/runs/table-run';
import { TableRuns } from '../../src/extension/runTable/rows';
import { runConfig, status, summary } from './runs-fixtures';

test('a sweep trial becomes a table run from config.json, status.json and summary.json alone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-table-'));
  try {
    const config = runConfig('base', 2, 'g1');
    config.run.sweep = {
      id: 'lr-grid',
      name: 'lr-grid',
      file: '/work/lr.sweep.json',
      trialId: 't3',
      index: 3,
      axes: { 'training.optimizer.lr': 0.001, 'mla.hgm.mode': 'off' },
      metric: 'val.fused',
    };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    fs.writeFileSync(
      path.join(dir, 'status.json'),
      JSON.stringify({ ...status('completed', 1), endedAt: '2026-01-01T01:00:00.000Z' }),
    );
    fs.writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify(summary(2, 0.91, 0.93, { a: 0.8, b: 0.7 }, { bestEpoch: 7 })),
    );
    // Not JSON at all: a reader that parsed it would report it.
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), '{"type":"epoch", broken\n'.repeat(100));

    const info = await readTableRun(dir);
    assert.equal(info.error, null);
    assert.deepEqual(info.epochs, []);
    const run = tableRunOf(info);
    assert.equal(run.name, 'lr-grid');
    assert.equal(run.method, 'mla');
    assert.equal(run.seed, 2);
    assert.equal(run.state, 'completed');
    assert.equal(run.group, 'lr-grid (sweep)\ng1');
    assert.deepEqual(run.sweep, {
      name: 'lr-grid',
      axes: { 'training.optimizer.lr': 0.001, 'mla.hgm.mode': 'off' },
    });
    assert.equal(run.config['training.optimizer.lr'], 0.01);
    assert.equal(run.config['mla.order'], '["a","b"]');
    assert.equal(run.config['model.encoders.a.hidden'], '[8]');
    assert.ok(!Object.keys(run.config).some((k) => k.startsWith('run.')), 'the run facts are not config');
    assert.deepEqual(run.metrics, {
      bestEpoch: 7,
      epochs: 10,
      seconds: 60,
      samplesPerSecond: 900,
      'val.fused': 0.93,
      'val.macroF1': 0.93,
      'val.a': 0.8,
      'val.b': 0.7,
      'test.fused': 0.91,
      'test.macroF1': 0.91,
      'test.a': 0.8,
      'test.b': 0.7,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the host converts a run again only when the store re-read it, and lists runs by folder name', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-table-'));
  try {
    const dirs = ['b_s0', 'a_s1'].map((id, seed) => {
      const dir = path.join(root, id);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(runConfig('cfg', seed, 'g')));
      fs.writeFileSync(
        path.join(dir, 'summary.json'),
        JSON.stringify(summary(seed, 0.5 + seed / 10, 0.6, {})),
      );
      return dir;
    });
    const infos = await Promise.all(dirs.map((d) => readTableRun(d)));
    const runs = new TableRuns();
    const first = runs.of(infos);
    assert.deepEqual(
      first.map((r) => [r.runId, r.metrics['test.fused']]),
      [
        ['a_s1', 0.6],
        ['b_s0', 0.5],
      ],
    );
    const reread = await readTableRun(dirs[1]);
    const second = runs.of([infos[0], reread]);
    assert.equal(second[1], first[1], 'b_s0 was not re-read: the same row');
    assert.notEqual(second[0], first[0], 'a_s1 was re-read: a new row');
    assert.deepEqual(second[0], first[0]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
