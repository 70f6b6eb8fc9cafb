// The live view's method diagnostics: epoch records' `diagnostics` through the series store (as the host
// cuts frames) into one chart per key family, drawn from the keys alone, with real OGM-GE and MMPareto keys
// and a key of a method the view has no code for.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpochRecord } from '../../src/core/runs/types';
import { recordValues, SeriesStore } from '../../src/core/series/seriesStore';
import type { SeriesFrame } from '../../src/shared/series';
import { diagnosticCharts } from '../../webview/dashboard/logic/diagnosticCharts';

function record(epoch: number, diagnostics?: Record<string, number>): EpochRecord {
  return {
    type: 'epoch',
    epoch,
    epochs: 3,
    lr: 0.01,
    train: { loss: { audio: 1, video: 1 }, acc: { audio: 0.5, video: 0.4 }, fusedLoss: 0.9, fusedAcc: 0.6 },
    val: { fused: 0.9, unimodal: { audio: 0.8, video: 0.7 }, macroF1: 0.9, loss: 0.3 },
    test: { fused: 0.9, unimodal: { audio: 0.8, video: 0.7 }, macroF1: 0.9, loss: 0.3 },
    fusionWeights: {},
    samplesPerSecond: 1000,
    seconds: 1,
    elapsed: epoch,
    best: false,
    time: '2026-01-01T00:00:00Z',
    ...(diagnostics ? { diagnostics } : {}),
  };
}

function frameOf(records: EpochRecord[], smoothing = 0): SeriesFrame {
  const store = new SeriesStore();
  store.append(records);
  return {
    runDir: '/r',
    append: false,
    ...store.frame({ from: null, to: null, points: 800, smoothing }),
  };
}

describe('method diagnostics charts', () => {
  it('puts each diagnostics key in the series as diag:<key>', () => {
    const values = recordValues(record(1, { 'ogm/rho/audio': 2.5, 'gblending/weight/fused': 0.4 }));
    assert.deepEqual(
      values.filter(([k]) => k.startsWith('diag:')),
      [
        ['diag:ogm/rho/audio', 2.5],
        ['diag:gblending/weight/fused', 0.4],
      ],
    );
    assert.equal(recordValues(record(1)).filter(([k]) => k.startsWith('diag:')).length, 0);
  });

  it("draws OGM-GE's ratio and coefficient per modality, one chart per family, modality colours kept", () => {
    const frame = frameOf([
      record(1, { 'ogm/rho/audio': 2.5, 'ogm/rho/video': 0.4, 'ogm/k/audio': 0.0135, 'ogm/k/video': 1 }),
      record(2, { 'ogm/rho/audio': 1.8, 'ogm/rho/video': 0.55, 'ogm/k/audio': 0.0548, 'ogm/k/video': 1 }),
      record(3, { 'ogm/rho/audio': 1.2, 'ogm/rho/video': 0.83, 'ogm/k/audio': 0.4621, 'ogm/k/video': 1 }),
    ]);
    const charts = diagnosticCharts(frame, ['audio', 'video']);
    assert.deepEqual(
      charts.map((c) => [c.id, c.title, c.chart.lines.map((l) => `${l.label}/${l.colorIndex}`).join(' ')]),
      [
        ['ogm/rho', 'ogm · rho', 'audio/0 video/1'],
        ['ogm/k', 'ogm · k', 'audio/0 video/1'],
      ],
    );
    assert.deepEqual(charts[0].chart.data, [
      [1, 2, 3],
      [2.5, 1.8, 1.2],
      [0.4, 0.55, 0.83],
    ]);
    assert.deepEqual(charts[1].chart.data[1], [0.0135, 0.0548, 0.4621]);
  });

  it("draws MMPareto's conflict rate and cosine, a method it has no code for, and a bare key; smoothing adds raw twins", () => {
    const frame = frameOf(
      [
        record(1, { 'mmpareto/conflict/audio': 0.5, 'mmpareto/cosine/audio': -0.1, 'reconboost/stage': 1 }),
        record(2, { 'mmpareto/conflict/audio': 0.25, 'mmpareto/cosine/audio': 0.2, 'reconboost/stage': 2 }),
        record(3, { 'mmpareto/conflict/audio': 0, 'mmpareto/cosine/audio': 0.4, temperature: 3 }),
      ],
      0.5,
    );
    const charts = diagnosticCharts(frame, ['audio', 'video']);
    assert.deepEqual(
      charts.map((c) => [c.id, c.chart.lines.map((l) => l.label).join(', ')]),
      [
        ['mmpareto/conflict', 'audio, audio (raw)'],
        ['mmpareto/cosine', 'audio, audio (raw)'],
        ['reconboost', 'stage, stage (raw)'],
        ['temperature', 'temperature, temperature (raw)'],
      ],
    );
    const conflict = charts[0].chart.data;
    assert.deepEqual(conflict[2], [0.5, 0.25, 0]);
    // EMA with factor 0.5, debiased: 0.5; (0.25·0.5 + 0.5·0.25)/0.75; …
    assert.equal(conflict[1][0], 0.5);
    assert.ok(Math.abs((conflict[1][1] as number) - (0.5 * 0.5 * 0.5 + 0.5 * 0.25) / 0.75) < 1e-12);
    // A key absent from an epoch is a gap, not a zero.
    assert.deepEqual(charts[2].chart.data[2], [1, 2, null]);
    assert.deepEqual(charts[3].chart.data[2], [null, null, 3]);
    assert.equal(charts[3].chart.lines[0].colorIndex, -1);
  });

  it("draws G-Blending's loss weights with the fused weight in the fused line's style", () => {
    const weights = {
      'gblending/weight/fused': 0.5,
      'gblending/weight/audio': 0.3,
      'gblending/weight/video': 0.2,
    };
    const [chart] = diagnosticCharts(frameOf([record(1, weights), record(2, weights)]), ['audio', 'video']);
    assert.equal(chart.title, 'gblending · weight');
    assert.deepEqual(
      chart.chart.lines.map((l) => [l.label, l.colorIndex, l.fused]),
      [
        ['fused', -1, true],
        ['audio', 0, false],
        ['video', 1, false],
      ],
    );
    assert.deepEqual(chart.chart.data.slice(1), [
      [0.5, 0.5],
      [0.3, 0.3],
      [0.2, 0.2],
    ]);
  });

  it('has no chart for a method without diagnostics (joint)', () => {
    assert.deepEqual(diagnosticCharts(frameOf([record(1), record(2)]), ['audio', 'video']), []);
  });
});
