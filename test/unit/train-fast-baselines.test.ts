// The fast-path steps of the unimodal baseline (fast/unimodal-mlp-step.ts), G-Blending (fast/blend-mlp-step.ts)
// and OGM-GE (fast/ogm-mlp-step.ts, modulated with and without noise, and outside the window) against their
// autodiff steps (`fastPath: false`), on cpu and wasm: every weight
// after each of four steps, the loss sums and correct counts, the optimizer state at the end; two and three
// modalities, with every row present and with modalities missing from some rows (one from a whole batch),
// dropout, SGD with momentum and Adam.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/backend/select';
import type { OptimizerConfig, ResolvedConfig } from '../../src/core/config/types';
import { blendStep } from '../../src/core/methods/gblending';
import { ogmStep } from '../../src/core/methods/ogm-ge';
import type { StepSum } from '../../src/core/methods/types';
import { unimodalStep } from '../../src/core/methods/unimodal';
import { createOptimizer, type Optimizer } from '../../src/core/optim/optimizer';
import { Network } from '../../src/core/train/network';
import type { PreparedModality } from '../../src/core/train/prepare';
import { Rng } from '../../src/core/util/random';

const TOL = 1e-5;
const ROWS = 11;
const STEPS = 4;
const CLASSES = 4;

interface Case {
  name: string;
  modalities: { name: string; sampleShape: number[] }[];
  optimizer: OptimizerConfig;
  /** Whether modalities after the first lack some rows (and, at step 2, the last one every row). */
  missing: boolean;
}

const SGD: OptimizerConfig = { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: false };
const ADAM: OptimizerConfig = {
  type: 'adam',
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 1e-2,
};
const TWO = [
  { name: 'a', sampleShape: [3, 5] },
  { name: 'b', sampleShape: [7] },
];
const THREE = [...TWO, { name: 'c', sampleShape: [6] }];
const CASES: Case[] = [
  { name: 'two modalities, SGD momentum', modalities: TWO, optimizer: SGD, missing: false },
  { name: 'two modalities, some rows missing, Adam', modalities: TWO, optimizer: ADAM, missing: true },
  { name: 'three modalities, SGD momentum', modalities: THREE, optimizer: SGD, missing: false },
  {
    name: 'three modalities, some rows missing, SGD momentum',
    modalities: THREE,
    optimizer: SGD,
    missing: true,
  },
  { name: 'three modalities, some rows missing, Adam', modalities: THREE, optimizer: ADAM, missing: true },
];

function buildNet(c: Case, method: string): Network {
  const config = {
    method,
    model: {
      featureDim: 6,
      encoders: Object.fromEntries(
        c.modalities.map((m) => [m.name, { type: 'mlp', hidden: [10], dropout: 0.2, activation: 'relu' }]),
      ),
    },
  } as unknown as ResolvedConfig;
  return Network.build(config, c.modalities as unknown as PreparedModality[], CLASSES, 7);
}

function valueOf(sum: StepSum): number {
  if (typeof sum === 'number') return sum;
  const value = sum.dataSync()[0];
  sum.dispose();
  return value;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    // ρ is infinite and k NaN where a modality has no row: both sides alike.
    if (!Number.isFinite(b[i])) {
      assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
      continue;
    }
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  const e = scale === 0 ? diff : diff / scale;
  assert.ok(e <= TOL, `${what}: relative error ${e}`);
}

interface Batch {
  xs: tf.Tensor[];
  y: tf.Tensor2D;
  /** Per modality: 0/1 per row. */
  present: Float32Array[];
}

function batchOf(c: Case, rng: Rng, step: number): Batch {
  const labels = Array.from({ length: ROWS }, () => rng.int(CLASSES));
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D;
  const xs = c.modalities.map((m) => {
    const size = m.sampleShape.reduce((a, b) => a * b, 1);
    return tf.tensor(
      Float32Array.from({ length: ROWS * size }, () => rng.normal()),
      [ROWS, ...m.sampleShape],
    );
  });
  const present = c.modalities.map((_, k) =>
    Float32Array.from({ length: ROWS }, (_, r) => {
      if (!c.missing || k === 0) return 1;
      if (step === 2 && k === c.modalities.length - 1) return 0;
      return (r + k) % 3 === 0 ? 0 : 1;
    }),
  );
  return { xs, y, present };
}

/** Both sides' weights, name by name, and the optimizers' state. */
async function compareState(
  sides: { net: Network; opt: Optimizer }[],
  where: string,
  withSlots: boolean,
): Promise<void> {
  const [a, b] = sides.map((s) => s.net.namedVariables());
  b.forEach((v, i) => {
    assert.equal(a[i].name, v.name);
    close(a[i].variable.dataSync(), v.variable.dataSync(), `${where}: ${v.name}`);
  });
  if (!withSlots) return;
  const states = await Promise.all(
    sides.map((s) => s.opt.exportState(new Map(s.net.namedVariables().map((v) => [v.variable, v.name])))),
  );
  assert.deepEqual(
    Object.keys(states[0].params),
    Object.keys(states[1].params),
    `${where}: optimizer params`,
  );
  for (const [name, p] of Object.entries(states[1].params)) {
    assert.equal(states[0].params[name].step, p.step, `${where}: ${name} step count`);
    for (const [slot, s] of Object.entries(p.slots)) {
      close(states[0].params[name].slots[slot].values, s.values, `${where}: ${name}.${slot}`);
    }
  }
}

/** Rows of `x` where `keep` is 1. */
function rowsOf(x: tf.Tensor, keep: Float32Array): tf.Tensor {
  const idx = [...keep.keys()].filter((r) => keep[r] === 1);
  return tf.gather(x, tf.tensor1d(idx, 'int32'));
}

async function compareUnimodal(c: Case): Promise<void> {
  const sides = [true, false].map((fast) => ({
    fast,
    net: buildNet(c, 'unimodal'),
    opt: createOptimizer(c.optimizer),
  }));
  const rng = Rng.fromSeed(5, 'fast-baselines-unimodal');
  for (let step = 0; step < STEPS; step++) {
    const batch = batchOf(c, rng, step);
    // As the trainer gives them: each modality's own present rows, modalities without any left out.
    const inputs = c.modalities
      .map((_, index) => ({
        index,
        x: rowsOf(batch.xs[index], batch.present[index]),
        y: rowsOf(batch.y, batch.present[index]) as tf.Tensor2D,
      }))
      .filter((e) => e.x.shape[0] > 0);
    if (c.missing && step === 2)
      assert.equal(inputs.length, c.modalities.length - 1, 'one modality sits out');
    const figures = sides.map((s) => {
      const buffers = tf.engine().backend.numDataIds();
      const tensors = tf.memory().numTensors;
      const totals = unimodalStep(s.net, s.opt, { inputs, lr: 0.05, seed: 30 + step, fastPath: s.fast });
      assert.equal(typeof totals[0].lossSum === 'number', s.fast, 'the fast path applies to these MLPs');
      const out = totals.flatMap((t) => [valueOf(t.lossSum), valueOf(t.correct), t.rows]);
      assert.equal(
        tf.engine().backend.numDataIds() - buffers,
        tf.memory().numTensors - tensors,
        'no backend buffer left behind',
      );
      return out;
    });
    const where = `unimodal step ${step}`;
    figures[1].forEach((v, i) => {
      if (i % 3 === 0) close([figures[0][i]], [v], `${where}: loss sum ${i / 3}`);
      else assert.equal(figures[0][i], v, `${where}: figure ${i}`);
    });
    await compareState(sides, where, step === STEPS - 1);
    tf.dispose([...batch.xs, batch.y, ...inputs.flatMap((e) => [e.x, e.y])]);
  }
  for (const s of sides) {
    s.net.dispose();
    s.opt.dispose();
  }
}

async function compareBlend(c: Case): Promise<void> {
  const sides = [true, false].map((fast) => ({
    fast,
    net: buildNet(c, 'gblending'),
    opt: createOptimizer(c.optimizer),
  }));
  const rng = Rng.fromSeed(6, 'fast-baselines-gblending');
  const M = c.modalities.length;
  // Unequal weights, as after the warm-up, so each head's share of the gradient is checked.
  const weights = tf.tensor1d(Array.from({ length: M + 1 }, (_, k) => (k + 1) / (((M + 1) * (M + 2)) / 2)));
  for (let step = 0; step < STEPS; step++) {
    const batch = batchOf(c, rng, step);
    const masks = batch.present.map((p) => (c.missing ? tf.tensor2d(p, [ROWS, 1]) : null));
    const figures = sides.map((s) => {
      const buffers = tf.engine().backend.numDataIds();
      const tensors = tf.memory().numTensors;
      const t = blendStep(s.net, s.opt, {
        xs: batch.xs,
        masks,
        y: batch.y,
        lr: 0.05,
        seed: 50 + step,
        weights,
        fastPath: s.fast,
      });
      assert.equal(typeof t.lossSum === 'number', s.fast, 'the fast path applies to these MLPs');
      const out = [t.lossSum, t.correct, ...t.unimodal.flatMap((u) => [u.lossSum, u.correct])].map(valueOf);
      assert.equal(
        tf.engine().backend.numDataIds() - buffers,
        tf.memory().numTensors - tensors,
        'no backend buffer left behind',
      );
      return out;
    });
    const where = `gblending step ${step}`;
    figures[1].forEach((v, i) => {
      if (i % 2 === 0) close([figures[0][i]], [v], `${where}: loss sum ${i / 2}`);
      else assert.equal(figures[0][i], v, `${where}: correct ${(i - 1) / 2}`);
    });
    await compareState(sides, where, step === STEPS - 1);
    tf.dispose([...batch.xs, batch.y, ...masks.filter((m): m is tf.Tensor2D => m !== null)]);
  }
  weights.dispose();
  for (const s of sides) {
    s.net.dispose();
    s.opt.dispose();
  }
}

async function compareOgm(c: Case, noise: boolean): Promise<void> {
  const sides = [true, false].map((fast) => ({
    fast,
    net: buildNet(c, 'ogm-ge'),
    opt: createOptimizer(c.optimizer),
  }));
  const rng = Rng.fromSeed(8, 'fast-baselines-ogm');
  for (let step = 0; step < STEPS; step++) {
    const batch = batchOf(c, rng, step);
    const masks = batch.present.map((p) => (c.missing ? tf.tensor2d(p, [ROWS, 1]) : null));
    // As the trainer decides: outside the window at step 1, and never in a batch lacking a modality entirely.
    const modulate = step !== 1 && batch.present.every((p) => p.some((v) => v === 1));
    const figures = sides.map((s) => {
      const buffers = tf.engine().backend.numDataIds();
      const tensors = tf.memory().numTensors;
      const t = ogmStep(s.net, s.opt, {
        xs: batch.xs,
        masks,
        y: batch.y,
        lr: 0.05,
        seed: 70 + step,
        alpha: 0.5,
        modulate,
        noise,
        fastPath: s.fast,
      });
      assert.equal(typeof t.lossSum === 'number', s.fast, 'the fast path applies to these MLPs');
      const out = [t.lossSum, t.correct, ...t.unimodal.flatMap((u) => [u.lossSum, u.correct])].map(valueOf);
      const coefficients = [...t.rho.dataSync(), ...t.k.dataSync()];
      tf.dispose([t.rho, t.k]);
      assert.equal(
        tf.engine().backend.numDataIds() - buffers,
        tf.memory().numTensors - tensors,
        'no backend buffer left behind',
      );
      return { out, coefficients };
    });
    const where = `ogm-ge step ${step}`;
    figures[1].out.forEach((v, i) => {
      if (i % 2 === 0) close([figures[0].out[i]], [v], `${where}: loss sum ${i / 2}`);
      else assert.equal(figures[0].out[i], v, `${where}: correct ${(i - 1) / 2}`);
    });
    close(figures[0].coefficients, figures[1].coefficients, `${where}: rho and k`);
    if (modulate)
      assert.ok(
        figures[1].coefficients.some((k, i) => i >= c.modalities.length && k < 1),
        `${where}: some modality damped`,
      );
    await compareState(sides, where, step === STEPS - 1);
    tf.dispose([...batch.xs, batch.y, ...masks.filter((m): m is tf.Tensor2D => m !== null)]);
  }
  for (const s of sides) {
    s.net.dispose();
    s.opt.dispose();
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fast-path baselines = autodiff on ${backend}`, () => {
    let previous = '';
    before(async () => {
      previous = tf.getBackend();
      await selectBackend(backend);
    });
    after(async () => {
      if (previous) await tf.setBackend(previous);
    });
    for (const c of CASES) test(`unimodal: ${c.name}`, () => compareUnimodal(c));
    for (const c of CASES) test(`gblending: ${c.name}`, () => compareBlend(c));
    for (const c of CASES) test(`ogm-ge: ${c.name}`, () => compareOgm(c, true));
    test(`ogm-ge without noise: ${CASES[3].name}`, () => compareOgm(CASES[3], false));
  });
}
