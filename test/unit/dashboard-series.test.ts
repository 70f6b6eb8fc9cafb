import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { EpochRecord } from '../../src/core/runs/types';
import { LiveRunFeed } from '../../src/core/series/liveRunFeed';
import { recordValues, SeriesStore } from '../../src/core/series/seriesStore';

function record(epoch: number, extra: Partial<EpochRecord> = {}): EpochRecord {
  return {
    type: 'epoch',
    epoch,
    epochs: 100_000,
    lr: 0.01,
    train: { loss: { a: 1 / epoch, b: 2 / epoch }, acc: { a: 0.5, b: 0.4 }, fusedLoss: null, fusedAcc: null },
    val: { fused: 0.9, unimodal: { a: 0.8, b: 0.7 }, macroF1: 0.9, loss: 0.3 },
    test: { fused: epoch / 1e6, unimodal: { a: 0.81, b: 0.71 }, macroF1: 0.9, loss: 0.3 },
    fusionWeights: { a: 0.6, b: 0.4 },
    samplesPerSecond: 1000 + epoch,
    seconds: 1,
    elapsed: epoch * 2,
    best: false,
    time: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

describe('recordValues', () => {
  it('names every charted figure; MLA has no fused train loss, joint has', () => {
    const keys = recordValues(record(1)).map(([k]) => k);
    assert.deepEqual(keys.sort(), [
      'lr:',
      'speed:',
      'test:a',
      'test:b',
      'test:fused',
      'trainAcc:a',
      'trainAcc:b',
      'trainLoss:a',
      'trainLoss:b',
      'val:a',
      'val:b',
      'val:fused',
      'weight:a',
      'weight:b',
    ]);
    const joint = record(1, {
      train: { loss: {}, acc: {}, fusedLoss: 0.7, fusedAcc: 0.8 },
      fusionWeights: {},
    });
    assert.deepEqual(
      recordValues(joint)
        .filter(([k]) => k.startsWith('train'))
        .map(([k, v]) => `${k}=${v}`),
      ['trainLoss:fused=0.7', 'trainAcc:fused=0.8'],
    );
  });
});

describe('SeriesStore', () => {
  it('holds 100,000 epochs and cuts bounded frames from them', () => {
    const store = new SeriesStore();
    for (let e = 1; e <= 100_000; e += 1000)
      store.append(Array.from({ length: 1000 }, (_, i) => record(e + i)));
    assert.equal(store.length, 100_000);
    const frame = store.frame({ from: null, to: null, points: 800, smoothing: 0.9 });
    assert.equal(frame.downsampled, true);
    assert.equal(frame.x.length, 1600);
    assert.equal(frame.series['test:fused'].length, 1600);
    assert.equal(frame.series['test:fused'].at(-1), 0.1);
    assert.equal(frame.smoothed!['test:fused'].length, 1600);
    assert.equal(frame.smoothed!['lr:'], undefined);
    const zoom = store.frame({ from: 500, to: 520, points: 800, smoothing: 0 });
    assert.equal(zoom.downsampled, false);
    assert.equal(zoom.inRange, 21);
    // One point beyond each end so the lines reach the chart's edges.
    assert.deepEqual([zoom.x[0], zoom.x.at(-1)], [499, 521]);
  });

  it('rewinds when a resumed run writes an epoch again (the last record wins)', () => {
    const store = new SeriesStore();
    assert.equal(store.append([record(1), record(2), record(3)]), false);
    assert.equal(store.append([record(2, { lr: 0.5 }), record(3, { lr: 0.25 })]), true);
    const f = store.frame({ from: null, to: null, points: 100, smoothing: 0 });
    assert.deepEqual(f.x, [1, 2, 3]);
    assert.deepEqual(f.series['lr:'], [0.01, 0.5, 0.25]);
    assert.deepEqual(store.recentElapsed(2), [4, 6]);
  });

  it('fills series that start later with nulls', () => {
    const store = new SeriesStore();
    store.append([record(1, { fusionWeights: {} }), record(2)]);
    const f = store.frame({ from: null, to: null, points: 100, smoothing: 0 });
    assert.deepEqual(f.series['weight:a'], [null, 0.6]);
  });
});

describe('LiveRunFeed', () => {
  it('tails metrics.jsonl: appends new epochs, restarts when the file is rewritten', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-feed-'));
    const file = path.join(dir, 'metrics.jsonl');
    const line = (r: object) => JSON.stringify(r) + '\n';
    fs.writeFileSync(
      file,
      line(record(1)) + line({ type: 'step', epoch: 2, batch: 1 }) + line(record(2)).slice(0, 20),
    );
    const feed = new LiveRunFeed(dir);
    assert.equal(feed.poll(), true);
    const first = feed.frameFor({ from: null, to: null, points: 50, smoothing: 0 });
    assert.deepEqual(first.x, [1]);
    // The half-written line completes; one more epoch arrives: only the new points are sent.
    fs.appendFileSync(file, line(record(2)).slice(20) + line(record(3)));
    assert.equal(feed.poll(), true);
    const next = feed.update()!;
    assert.equal(next.append, true);
    assert.deepEqual(next.x, [2, 3]);
    assert.equal(feed.poll(), false);
    // Past the point budget the view gets a whole downsampled frame instead.
    fs.appendFileSync(file, Array.from({ length: 200 }, (_, i) => line(record(4 + i))).join(''));
    feed.poll();
    const full = feed.update()!;
    assert.equal(full.append, false);
    assert.equal(full.downsampled, true);
    assert.equal(full.total, 203);
    // A zoomed view keeps its range: no frame on new epochs.
    feed.frameFor({ from: 10, to: 20, points: 50, smoothing: 0 });
    fs.appendFileSync(file, line(record(204)));
    feed.poll();
    assert.equal(feed.update(), null);
    // Rewritten shorter (a new run in the same folder): start over.
    fs.writeFileSync(file, line(record(1)));
    assert.equal(feed.poll(), true);
    assert.equal(feed.store.length, 1);
    assert.equal(feed.latest?.epoch, 1);
    assert.equal(feed.etaSeconds(10), 18);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
