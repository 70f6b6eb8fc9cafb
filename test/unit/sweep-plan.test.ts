import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { formatDiagnostic } from '../../src/core/config/format';
import type { SgdConfig } from '../../src/core/config/types';
import { exampleConfig } from '../../src/core/data/exampleProject';
import { writeExampleDataset } from '../../src/core/data/synthetic';
import { trialIdOf } from '../../src/core/sweep/expand';
import { keyToPointer } from '../../src/core/sweep/keys';
import { planSweep } from '../../src/core/sweep/plan';

let dir = '';
let sweepFile = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mla-sweep-'));
  await writeExampleDataset(join(dir, 'data'), { samples: 60 });
  writeFileSync(join(dir, 'base.mla.json'), JSON.stringify(exampleConfig('mla', null), null, 2));
  sweepFile = join(dir, 'lr.sweep.json');
});

async function plan(sweep: object | string) {
  const text = typeof sweep === 'string' ? sweep : JSON.stringify(sweep, null, 2);
  writeFileSync(sweepFile, text);
  const result = await planSweep(text, sweepFile, join(dir, 'runs'));
  return { ...result, lines: result.diagnostics.map((d) => formatDiagnostic(d.file, d)), text };
}

describe('sweep keys', () => {
  test('dotted paths and pointers name the same key', () => {
    assert.equal(keyToPointer('training.optimizer.lr'), '/training/optimizer/lr');
    assert.equal(keyToPointer('/training/optimizer/lr'), '/training/optimizer/lr');
    assert.equal(keyToPointer('a..b'), null);
    assert.equal(keyToPointer('/'), null);
  });
});

describe('sweep expansion', () => {
  test('grid × random samples × seeds, in file order, with the values set in each config', async () => {
    const { plan: p, lines } = await plan({
      name: 'LR sweep',
      base: 'base.mla.json',
      grid: { 'training.optimizer.lr': [0.01, 0.001], '/mla/hgm/mode': ['replace', 'off'] },
      random: { 'training.optimizer.weightDecay': { logUniform: [1e-5, 1e-3] }, samples: 3, seed: 7 },
      seeds: [0, 1],
      overrides: { 'training.epochs': 2 },
    });
    assert.deepEqual(lines, []);
    assert.ok(p);
    assert.equal(p.sweepId, 'lr-sweep');
    assert.equal(p.trials.length, 2 * 2 * 3 * 2);
    const t0 = p.trials[0];
    assert.equal(t0.config.training.optimizer.lr, 0.01);
    assert.equal(t0.config.mla.hgm.mode, 'replace');
    assert.equal(t0.config.training.epochs, 2);
    assert.deepEqual(t0.config.seeds, [0]);
    assert.deepEqual(p.trials[1].config.seeds, [1]);
    // The slowest axis is the first one written; the seed varies fastest.
    assert.equal(p.trials[12].config.training.optimizer.lr, 0.001);
    assert.equal(p.trials[6].config.mla.hgm.mode, 'off');
    const decays = new Set(p.trials.map((t) => t.config.training.optimizer.weightDecay));
    assert.equal(decays.size, 3);
    for (const d of decays) assert.ok(d >= 1e-5 && d <= 1e-3, `weight decay ${d} within [1e-5, 1e-3]`);
    assert.equal(new Set(p.trials.map((t) => t.runId)).size, 24);
    // Seeds of one combination share a group; combinations do not.
    assert.equal(t0.group, p.trials[1].group);
    assert.notEqual(t0.group, p.trials[2].group);
    assert.match(t0.runId, /^lr-sweep_[0-9a-f]{8}_s0$/);
    assert.equal(t0.configFile, join(dir, 'base.mla.json'));
  });

  test('re-expanding gives the same trial ids; the spelling of a key and the order of axes do not matter', async () => {
    const a = await plan({
      name: 's',
      base: 'base.mla.json',
      grid: { 'training.optimizer.lr': [0.01, 0.1], 'mla.hgm.mode': ['off'] },
      random: { 'training.optimizer.momentum': { uniform: [0.5, 0.9] }, samples: 2 },
    });
    const b = await plan({
      name: 's',
      base: 'base.mla.json',
      random: { samples: 2, '/training/optimizer/momentum': { uniform: [0.5, 0.9] } },
      grid: { '/mla/hgm/mode': ['off'], '/training/optimizer/lr': [0.01, 0.1] },
    });
    assert.ok(a.plan && b.plan);
    assert.deepEqual(a.plan.trials.map((t) => t.runId).sort(), b.plan.trials.map((t) => t.runId).sort());
    // The base config's seeds [0, 1, 2] are the seed axis when the sweep names none.
    assert.equal(a.plan.trials.length, 2 * 2 * 3);
    const m = a.plan.trials.map((t) => (t.config.training.optimizer as SgdConfig).momentum);
    for (const v of m) assert.ok(v >= 0.5 && v <= 0.9);
    assert.equal(
      trialIdOf(
        [
          { pointer: '/a', value: 1 },
          { pointer: '/b', value: 2 },
        ],
        0,
      ),
      trialIdOf(
        [
          { pointer: '/b', value: 2 },
          { pointer: '/a', value: 1 },
        ],
        0,
      ),
    );
    assert.notEqual(trialIdOf([{ pointer: '/a', value: 1 }], 0), trialIdOf([{ pointer: '/a', value: 1 }], 1));
  });

  test('an inline base config is validated in place, with the sweep file lines and columns', async () => {
    const inline = { ...exampleConfig('mla', null), training: { epochs: 0 } } as Record<string, unknown>;
    const { plan: p, lines, text } = await plan({ name: 'inline', base: inline, seeds: [3] });
    assert.equal(p, null);
    const line = text.split('\n').findIndex((l) => l.includes('"epochs": 0')) + 1;
    assert.ok(line > 1);
    assert.deepEqual(lines, [`${sweepFile}:${line}:17: error: expected an integer ≥ 1, found 0`]);
    const ok = await plan({ name: 'inline', base: exampleConfig('mla', null), seeds: [3] });
    assert.deepEqual(ok.lines, []);
    assert.equal(ok.plan?.trials.length, 1);
    assert.equal(ok.plan?.trials[0].configFile, sweepFile);
    assert.equal(ok.plan?.trials[0].config.dataset, join(dir, 'data', 'dataset.json'));
  });
});

describe('sweep errors point at the axis value that produced them', () => {
  test('a bad grid value, an unknown key, a bad override: file:line:col of each', async () => {
    const text = [
      '{',
      '  "name": "bad",',
      '  "base": "base.mla.json",',
      '  "grid": { "training.optimizer.lr": [0.01, -1], "mla.hgm.mode": ["off", "sometimes"] },',
      '  "random": { "training.optimizer.lrr": { "logUniform": [0.1, 1] } },',
      '  "overrides": { "training.epochs": 0 }',
      '}',
    ].join('\n');
    const { plan: p, lines } = await plan(text);
    assert.equal(p, null);
    assert.equal(lines.length, 4);
    assert.match(
      lines[2],
      /^.*:5:41: error: random "training\.optimizer\.lrr" = 0\.\d+: unknown key 'lrr' in sgd optimizer/,
    );
    assert.deepEqual(
      [lines[0], lines[1], lines[3]],
      [
        `${sweepFile}:4:45: error: grid "training.optimizer.lr" = -1: expected a number > 0, found -1 (config /training/optimizer/lr)`,
        `${sweepFile}:4:74: error: grid "mla.hgm.mode" = "sometimes": expected one of 'replace', 'add', 'off', found "sometimes" (config /mla/hgm/mode)`,
        `${sweepFile}:6:37: error: overrides "training.epochs" = 0: expected an integer ≥ 1, found 0 (config /training/epochs)`,
      ],
    );
  });

  test('the sweep file itself: schema, keys, distributions, base file, duplicate keys', async () => {
    const text = [
      '{',
      '  "name": "bad",',
      '  "base": "missing.mla.json",',
      '  "grid": { "training..lr": [1], "seeds": [1], "training.epochs": [1, 1] },',
      '  "random": { "training.epochs": { "uniform": [1, 2] }, "x.y": { "uniform": [2, 1] }, "z": {} },',
      '  "maxParallel": 0',
      '}',
    ].join('\n');
    const { lines } = await plan(text);
    assert.deepEqual(lines, [
      `${sweepFile}:4:71: error: duplicate entry 1 (already at index 0): expected distinct values`,
      `${sweepFile}:6:18: error: expected an integer ≥ 1, found 0`,
    ]);
    const fixed = text.replace('[1, 1]', '[1, 2]').replace('"maxParallel": 0', '"maxParallel": 1');
    const again = await plan(fixed);
    assert.deepEqual(again.lines, [
      `${sweepFile}:3:11: error: base: ${join(dir, 'missing.mla.json')} does not exist: expected a path to a *.mla.json, relative to the sweep file`,
      `${sweepFile}:4:13: error: grid: "training..lr" names no config key: expected a dotted path such as "training.optimizer.lr" or a JSON pointer such as "/training/optimizer/lr"`,
      `${sweepFile}:4:34: error: grid: seeds are the sweep's own axis: write "seeds": [...] at the top level of the sweep`,
      `${sweepFile}:5:15: error: random: "training.epochs" is already set by grid "training.epochs": expected each config key in one place`,
      `${sweepFile}:5:64: error: random "x.y": uniform: expected low < high, found [2, 1]`,
      `${sweepFile}:5:92: error: random "z": expected exactly one of "logUniform": [low, high] or "uniform": [low, high], found neither`,
    ]);
  });
});
