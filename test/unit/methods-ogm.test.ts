// OGM-GE's rule on hand-computed vectors (scores, ρ and k for two and three modalities), and its step against
// joint training's on the same network: equal with α = 0 and no noise, each encoder weight's update scaled by
// exactly its modality's k without noise, noise of the gradient's own spread with it, biases never modulated.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../src/core/config/types';
import { jointStep } from '../../src/core/methods/joint';
import { modulatedGradient, ogmCoefficients, ogmStep, trueClassScore } from '../../src/core/methods/ogm-ge';
import { createOptimizer } from '../../src/core/optim/optimizer';
import { Network } from '../../src/core/train/network';
import type { PreparedModality } from '../../src/core/train/prepare';
import { Rng } from '../../src/core/util/random';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import { resumeRun } from '../../src/core/train/runner';
import {
  backend,
  epochRecords,
  exampleWorkspace,
  loadConfig,
  tempDir,
  timeless,
  train,
} from '../support/training';

const TOL = 1e-6;

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = TOL): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

function coefficients(scores: number[], alpha: number): { rho: Float32Array; k: Float32Array } {
  const s = tf.tensor1d(scores);
  const { rho, k } = ogmCoefficients(s, alpha);
  const out = { rho: rho.dataSync() as Float32Array, k: k.dataSync() as Float32Array };
  tf.dispose([s, rho, k]);
  return out;
}

const MODALITIES = [
  { name: 'a', sampleShape: [6] },
  { name: 'b', sampleShape: [5] },
];
const CLASSES = 3;
const ROWS = 12;

function buildNet(method: 'joint' | 'ogm-ge'): Network {
  const config = {
    method,
    model: {
      featureDim: 4,
      encoders: {
        a: { type: 'mlp', hidden: [32], dropout: 0, activation: 'relu' },
        b: { type: 'mlp', hidden: [8], dropout: 0, activation: 'relu' },
      },
    },
  } as unknown as ResolvedConfig;
  return Network.build(config, MODALITIES as unknown as PreparedModality[], CLASSES, 3);
}

/** A batch where modality a sees the label (a one-hot in its first features) and b sees noise. */
function batch(seed: number): { xs: tf.Tensor[]; y: tf.Tensor2D } {
  const rng = Rng.fromSeed(seed, 'ogm-test');
  const labels = Array.from({ length: ROWS }, () => rng.int(CLASSES));
  const a = new Float32Array(ROWS * 6);
  const b = new Float32Array(ROWS * 5);
  labels.forEach((label, r) => {
    for (let j = 0; j < 6; j++) a[r * 6 + j] = (j === label ? 3 : 0) + 0.1 * rng.normal();
    for (let j = 0; j < 5; j++) b[r * 5 + j] = rng.normal();
  });
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D;
  return { xs: [tf.tensor2d(a, [ROWS, 6]), tf.tensor2d(b, [ROWS, 5])], y };
}

function weights(net: Network): Map<string, Float32Array> {
  return new Map(net.namedVariables().map((v) => [v.name, v.variable.dataSync() as Float32Array]));
}

/** Per variable: the change a step made (after − before). */
function deltas(before: Map<string, Float32Array>, net: Network): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, after] of weights(net)) {
    const b = before.get(name)!;
    out.set(
      name,
      after.map((v, i) => v - b[i]),
    );
  }
  return out;
}

const SGD = { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 } as const;

describe('OGM-GE coefficients', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('scores each modality by its mean probability of the true class over the rows that have it', () => {
    // softmax([0, ln 3]) = [0.25, 0.75]; softmax([ln 4, 0]) = [0.8, 0.2]; both rows are class 1.
    const z = tf.tensor2d([0, Math.log(3), Math.log(4), 0], [2, 2]);
    const y = tf.tensor2d([0, 1, 0, 1], [2, 2]);
    const all = trueClassScore(z, y, tf.tensor1d([1, 1]));
    const first = trueClassScore(z, y, tf.tensor1d([1, 0]));
    close(all.dataSync(), [0.475], 'both rows');
    close(first.dataSync(), [0.75], 'first row only');
  });

  it('two modalities: ρ = s_a / s_b, the leader damped by 1 − tanh(α·ρ), the other k = 1', () => {
    const { rho, k } = coefficients([0.6, 0.3], 0.5);
    close(rho, [2, 0.5], 'rho');
    close(k, [0.23840584, 1], 'k');
    const swapped = coefficients([0.2, 0.8], 0.3);
    close(swapped.rho, [0.25, 4], 'rho, b leads');
    close(swapped.k, [1, 1 - Math.tanh(1.2)], 'k, b leads');
  });

  it('three modalities: each against the weakest of the others; only the weakest keeps k = 1', () => {
    const { rho, k } = coefficients([0.6, 0.3, 0.4], 0.5);
    close(rho, [2, 0.75, 4 / 3], 'rho');
    close(k, [0.23840584, 1, 0.41721705], 'k');
  });

  it('equal scores modulate nothing, and α = 0 gives k = 1 whatever the ratios', () => {
    close(coefficients([0.5, 0.5, 0.5], 2).k, [1, 1, 1], 'k of equal scores');
    const zero = coefficients([0.9, 0.1], 0);
    close(zero.rho, [9, 1 / 9], 'rho with α = 0', 1e-5);
    close(zero.k, [1, 1], 'k with α = 0');
  });

  it('noise has the sample std of the gradient it is added to', () => {
    const rng = Rng.fromSeed(1, 'ogm-noise');
    const values = Float32Array.from({ length: 4000 }, () => 0.5 + 2 * rng.normal());
    const g = tf.tensor2d(values, [80, 50]);
    const scaled = modulatedGradient(g, tf.scalar(0.25), false, 9).dataSync();
    close(
      scaled,
      values.map((v) => v * 0.25),
      'scaled without noise',
      1e-6,
    );
    const noisy = modulatedGradient(g, tf.scalar(0.25), true, 9).dataSync();
    const diff = Array.from(noisy, (v, i) => v - scaled[i]);
    const mean = diff.reduce((s, v) => s + v, 0) / diff.length;
    const std = Math.sqrt(diff.reduce((s, v) => s + (v - mean) ** 2, 0) / (diff.length - 1));
    // σ of the gradient is 2 (as drawn); 4000 draws put the sample std within a few percent of it.
    assert.ok(Math.abs(std - 2) < 0.15, `noise std ${std}, expected about 2`);
    assert.ok(Math.abs(mean) < 0.15, `noise mean ${mean}, expected about 0`);
    g.dispose();
  });
});

describe('OGM-GE step against the joint step', () => {
  let previous = '';
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend('cpu');
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('with α = 0 and no noise is the joint update, weight for weight (Adam, three steps)', () => {
    const adam = { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 } as const;
    const [jNet, oNet] = [buildNet('joint'), buildNet('ogm-ge')];
    const [jOpt, oOpt] = [createOptimizer(adam), createOptimizer(adam)];
    for (let step = 0; step < 3; step++) {
      const { xs, y } = batch(step);
      const masks = [null, null];
      const j = jointStep(jNet, jOpt, { xs, masks, y, lr: 0.01, seed: step, fastPath: false });
      const o = ogmStep(oNet, oOpt, {
        xs,
        masks,
        y,
        lr: 0.01,
        seed: step,
        alpha: 0,
        modulate: true,
        noise: false,
        fastPath: false,
      });
      close(o.k.dataSync(), [1, 1], `step ${step}: k`);
      close(
        (o.lossSum as tf.Scalar).dataSync(),
        (j.lossSum as tf.Scalar).dataSync(),
        `step ${step}: fused loss`,
      );
      const jw = weights(jNet);
      for (const [name, w] of weights(oNet)) close(w, jw.get(name)!, `step ${step}: ${name}`, 0);
      tf.dispose([...xs, y]);
    }
    [jNet, oNet, jOpt, oOpt].forEach((d) => d.dispose());
  });

  it('scales each encoder weight update by its modality k and leaves biases and the head alone', () => {
    const [jNet, oNet] = [buildNet('joint'), buildNet('ogm-ge')];
    const [jOpt, oOpt] = [createOptimizer(SGD), createOptimizer(SGD)];
    const { xs, y } = batch(7);
    const masks = [null, null];
    const [jBefore, oBefore] = [weights(jNet), weights(oNet)];
    jointStep(jNet, jOpt, { xs, masks, y, lr: 0.1, seed: 1, fastPath: false });
    const o = ogmStep(oNet, oOpt, {
      xs,
      masks,
      y,
      lr: 0.1,
      seed: 1,
      alpha: 0.8,
      modulate: true,
      noise: false,
      fastPath: false,
    });
    const k = o.k.dataSync();
    const rho = o.rho.dataSync();
    close([rho[0] * rho[1]], [1], 'rho_a · rho_b', 1e-5);
    // Whichever modality leads at initialisation is damped; the other keeps its whole gradient.
    const lead = rho[0] > 1 ? 0 : 1;
    assert.ok(rho[lead] > 1.01, `the leader's rho ${rho[lead]} should exceed 1`);
    const expected = [1, 1];
    expected[lead] = 1 - Math.tanh(0.8 * rho[lead]);
    close(k, expected, 'k', 1e-5);
    const [jd, od] = [deltas(jBefore, jNet), deltas(oBefore, oNet)];
    let modulated = 0;
    for (const v of oNet.namedVariables()) {
      const m = MODALITIES.findIndex((mod) =>
        oNet.encoder(mod.name).trainable.some((t) => t.name === v.name),
      );
      const scale = m >= 0 && v.variable.rank >= 2 ? k[m] : 1;
      if (scale !== 1) modulated++;
      close(
        od.get(v.name)!,
        jd.get(v.name)!.map((d) => d * scale),
        `update of ${v.name}`,
        1e-6,
      );
    }
    assert.ok(modulated >= 2, `the leader's two weight matrices are modulated (found ${modulated})`);
    tf.dispose([...xs, y]);
    [jNet, oNet, jOpt, oOpt].forEach((d) => d.dispose());
  });

  it('outside the window trains as joint training even with noise on', () => {
    const [jNet, oNet] = [buildNet('joint'), buildNet('ogm-ge')];
    const [jOpt, oOpt] = [createOptimizer(SGD), createOptimizer(SGD)];
    const { xs, y } = batch(3);
    const masks = [null, null];
    jointStep(jNet, jOpt, { xs, masks, y, lr: 0.1, seed: 1, fastPath: false });
    const o = ogmStep(oNet, oOpt, {
      xs,
      masks,
      y,
      lr: 0.1,
      seed: 1,
      alpha: 0.8,
      modulate: false,
      noise: true,
      fastPath: false,
    });
    close(o.k.dataSync(), [1, 1], 'k outside the window');
    const jw = weights(jNet);
    for (const [name, w] of weights(oNet)) close(w, jw.get(name)!, name, 0);
    tf.dispose([...xs, y]);
    [jNet, oNet, jOpt, oOpt].forEach((d) => d.dispose());
  });
});

describe('OGM-GE training on the generated example', () => {
  it('records mean ρ and k per modality each epoch, modulating only inside the window', async () => {
    const ws = await exampleWorkspace();
    const config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'ogm-ge';
      delete raw.mla;
      raw.ogm = { alpha: 0.5, start: 2, end: 3 };
      (raw.training as Record<string, unknown>).epochs = 4;
    });
    const outcome = await train(config, 0, tempDir('ogm'));
    assert.equal(outcome.state, 'completed');
    const records = epochRecords(outcome.runDir);
    assert.equal(records.length, 4);
    for (const r of records) {
      const d = r.diagnostics!;
      assert.deepEqual(Object.keys(d).sort(), [
        'ogm/k/medium',
        'ogm/k/strong',
        'ogm/k/weak',
        'ogm/rho/medium',
        'ogm/rho/strong',
        'ogm/rho/weak',
      ]);
      const inside = r.epoch >= 2 && r.epoch <= 3;
      for (const m of ['strong', 'medium', 'weak']) {
        const k = d[`ogm/k/${m}`];
        if (inside) assert.ok(k > 0 && k <= 1, `epoch ${r.epoch}: k of ${m} ${k}`);
        else assert.equal(k, 1, `epoch ${r.epoch}: k of ${m} outside the window`);
      }
    }
    // By epoch 3 the strong modality leads and is damped (seed 0: ρ 1.87, k 0.27); the weak one trails on
    // average (ρ 0.95) and is damped only in the batches where it leads (k 0.83).
    const third = records[2].diagnostics!;
    assert.ok(third['ogm/rho/strong'] > 1.2, `rho strong ${third['ogm/rho/strong']}`);
    assert.ok(third['ogm/k/strong'] < 0.6, `k strong ${third['ogm/k/strong']}`);
    assert.ok(third['ogm/rho/weak'] < 1, `rho weak ${third['ogm/rho/weak']}`);
    assert.ok(
      third['ogm/k/weak'] > third['ogm/k/strong'] + 0.4,
      `k weak ${third['ogm/k/weak']}, k strong ${third['ogm/k/strong']}`,
    );
    // Seed 0: 74 % fused at test (the strong modality's train-only shortcut misleads it), 98.5 % on train.
    assert.ok(records[3].test.fused > 0.65, `fused ${records[3].test.fused}`);
    assert.ok(records[3].train.fusedAcc! > 0.9, `train fused ${records[3].train.fusedAcc}`);
  });
});

describe('OGM-GE with missing modalities', () => {
  it('averages ρ and k over the batches that have every modality: finite, k in (0, 1]', async () => {
    const ws = await exampleWorkspace();
    const config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'ogm-ge';
      delete raw.mla;
      raw.ogm = { alpha: 0.5, start: 2, end: 2 };
      // Batches of 4 rows with most of each modality missing: many batches lack a modality entirely.
      raw.preprocess = { missingRate: { train: 0.6, test: 0 } };
      (raw.training as Record<string, unknown>).epochs = 3;
      (raw.training as Record<string, unknown>).batchSize = 4;
    });
    const outcome = await train(config, 0, tempDir('ogm-missing'));
    assert.equal(outcome.state, 'completed');
    for (const r of epochRecords(outcome.runDir)) {
      const d = r.diagnostics!;
      for (const m of ['strong', 'medium', 'weak']) {
        const [rho, k] = [d[`ogm/rho/${m}`], d[`ogm/k/${m}`]];
        assert.ok(Number.isFinite(rho) && rho > 0, `epoch ${r.epoch}: ρ of ${m} ${rho}`);
        assert.ok(Number.isFinite(k) && k > 0 && k <= 1, `epoch ${r.epoch}: k of ${m} ${k}`);
        if (r.epoch !== 2) assert.equal(k, 1, `epoch ${r.epoch}: k of ${m} outside the window`);
      }
    }
  });
});

describe('OGM-GE runs', () => {
  let config: ResolvedConfig;
  before(async () => {
    const ws = await exampleWorkspace();
    config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'ogm-ge';
      delete raw.mla;
      raw.ogm = { alpha: 0.5 };
      (raw.training as Record<string, unknown>).epochs = 3;
    });
  });

  async function finalWeights(runDir: string): Promise<Map<string, Float32Array>> {
    const refs = listCheckpoints(runDir);
    const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
    return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
  }

  it('stopped mid-epoch and resumed, equal an uninterrupted run: noise, weights and diagnostics', async () => {
    const runs = tempDir('ogm-stop');
    const straight = await train(config, 4, runs);
    let batches = 0;
    const stopped = await train(config, 4, runs, {
      shouldStop: () => batches >= 25,
      onBatch: () => {
        batches++;
      },
    });
    assert.equal(stopped.state, 'stopped');
    const refs = listCheckpoints(stopped.runDir);
    const partial = await loadCheckpoint(refs[refs.length - 1].dir);
    assert.ok(
      partial.tensors.some((t) => t.name === 'ogm/k-sum'),
      'the mid-epoch checkpoint carries the coefficient sums',
    );
    const resumed = await resumeRun({
      runDir: stopped.runDir,
      backend: await backend(),
      hooks: { shouldStop: () => false },
    });
    assert.equal(resumed.state, 'completed');
    const records = epochRecords(resumed.runDir).map(timeless);
    assert.equal(records.length, 3);
    assert.deepEqual(records, epochRecords(straight.runDir).map(timeless));
    assert.deepEqual(await finalWeights(resumed.runDir), await finalWeights(straight.runDir));
  });

  it('keeps the tensor count flat across epochs', async () => {
    const counts: number[] = [];
    const run = await train(config, 1, tempDir('ogm-tensors'), {
      shouldStop: () => false,
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(run.state, 'completed');
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `tensor counts per epoch: ${counts}`);
  });
});
