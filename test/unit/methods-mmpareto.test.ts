// MMPareto's rule on hand-computed vectors (agreeing: 0.5/0.5; conflicting: the min-norm weights; both rescaled
// to the summed gradient's norm times γ), its step on a two-modality network against gradients taken here
// independently, and training on the three-modality example: diagnostics, accuracy, resume, tensor count.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../src/core/config/types';
import { mmparetoStep, paretoCombine } from '../../src/core/methods/mmpareto';
import { headSliceLogits } from '../../src/core/methods/concat-head';
import { createOptimizer } from '../../src/core/optim/optimizer';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import { softmaxCrossEntropy } from '../../src/core/train/loss';
import { Network } from '../../src/core/train/network';
import type { PreparedModality } from '../../src/core/train/prepare';
import { resumeRun } from '../../src/core/train/runner';
import { Rng } from '../../src/core/util/random';
import {
  backend,
  epochRecords,
  exampleWorkspace,
  loadConfig,
  tempDir,
  timeless,
  train,
} from '../support/training';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

function combine(
  fused: number[][],
  unimodal: number[][],
  gamma = 1.5,
): { grads: number[][]; cosine: number; w: number } {
  const f = fused.map((g) => tf.tensor1d(g));
  const u = unimodal.map((g) => tf.tensor1d(g));
  const c = paretoCombine(f, u, gamma);
  const out = {
    grads: c.grads.map((g) => Array.from(g.dataSync())),
    cosine: c.cosine.dataSync()[0],
    w: c.fusedWeight.dataSync()[0],
  };
  tf.dispose([...f, ...u, ...c.grads, c.cosine, c.fusedWeight]);
  return out;
}

describe('MMPareto rule', () => {
  let previous = '';
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend('cpu');
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('agreeing 3-D gradients: 0.5/0.5, rescaled to the sum, times γ', () => {
    // g_f·g_u = 2 > 0; d = (0.5, 1.5, 0.5) is half the sum (1, 3, 1), so the result is 1.5 × the sum.
    const c = combine([[1, 2, 0]], [[0, 1, 1]]);
    close([c.cosine], [2 / Math.sqrt(5 * 2)], 'cosine');
    close([c.w], [0.5], 'weight');
    close(c.grads[0], [1.5, 4.5, 1.5], 'gradient');
  });

  it('conflicting 2-D gradients: the min-norm weights, rescaled to the sum, times γ', () => {
    // g_f = (1, 0), g_u = (−1, 1): w = ((g_u − g_f)·g_u) / ‖g_f − g_u‖² = 3/5, d = (0.2, 0.4) ⊥ (g_f − g_u);
    // ‖g_f + g_u‖ = 1, ‖d‖ = √0.2, so the result is 1.5 · d / √0.2.
    const c = combine([[1, 0]], [[-1, 1]]);
    close([c.cosine], [-1 / Math.sqrt(2)], 'cosine');
    close([c.w], [0.6], 'weight');
    const s = 1.5 / Math.sqrt(0.2);
    close(c.grads[0], [0.2 * s, 0.4 * s], 'gradient');
  });

  it('conflicting 3-D gradients split over two tensors equal the flattened vector', () => {
    // g_f = (1, 0, 0), g_u = (−2, 1, 0): w = 7/10, d = (0.1, 0.3, 0), ‖g_f + g_u‖² = 2, ‖d‖² = 0.1.
    const s = 1.5 * Math.sqrt(20);
    const whole = combine([[1, 0, 0]], [[-2, 1, 0]]);
    close([whole.w], [0.7], 'weight');
    close(whole.grads[0], [0.1 * s, 0.3 * s, 0], 'gradient');
    const split = combine([[1], [0, 0]], [[-2], [1, 0]]);
    close(split.grads[0], [0.1 * s], 'first tensor');
    close(split.grads[1], [0.3 * s, 0], 'second tensor');
  });

  it('exactly opposed gradients cancel; γ scales; a zero unimodal gradient keeps the fused one', () => {
    const opposed = combine([[2, -1]], [[-2, 1]]);
    close([opposed.w], [0.5], 'opposed weight');
    close(opposed.grads[0], [0, 0], 'opposed gradient');
    const agreeing = combine([[1, 1]], [[1, 1]], 1);
    close(agreeing.grads[0], [2, 2], 'γ = 1: the sum');
    // cos = 0 is not > 0: min-norm between g_f and 0 is 0, the degenerate point; the rescale cannot lift it.
    const zero = combine([[3, 4]], [[0, 0]]);
    close([zero.cosine], [0], 'cosine with a zero gradient');
    close(zero.grads[0], [0, 0], 'zero');
  });
});

const MODALITIES = [
  { name: 'a', sampleShape: [6] },
  { name: 'b', sampleShape: [5] },
];
const CLASSES = 3;
const ROWS = 12;

function buildNet(): Network {
  const config = {
    method: 'mmpareto',
    model: {
      featureDim: 4,
      encoders: {
        a: { type: 'mlp', hidden: [8], dropout: 0, activation: 'relu' },
        b: { type: 'mlp', hidden: [8], dropout: 0, activation: 'relu' },
      },
    },
  } as unknown as ResolvedConfig;
  return Network.build(config, MODALITIES as unknown as PreparedModality[], CLASSES, 5);
}

function batch(seed: number): { xs: tf.Tensor[]; y: tf.Tensor2D } {
  const rng = Rng.fromSeed(seed, 'mmpareto-test');
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

function flat(grads: tf.NamedTensorMap, names: string[]): number[] {
  return names.flatMap((n) => Array.from(grads[n].dataSync()));
}

function dot(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + x * b[i], 0);
}

const STEPS = 40;

describe('MMPareto step on two modalities', () => {
  let previous = '';
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend('cpu');
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('moves each encoder by its combined gradient and the head by the summed losses (SGD, agreeing and conflicting)', () => {
    const net = buildNet();
    const lr = 0.1;
    const sgd = createOptimizer({ type: 'sgd', lr, momentum: 0, nesterov: false, weightDecay: 0 });
    const seen = { agreed: [] as number[], conflicted: [] as number[] };
    const { agreed, conflicted } = seen;
    for (let step = 0; step < STEPS; step++) {
      const { xs, y } = batch(step);
      const masks = [null, null];
      const ctx = { training: true, seed: step };
      const variables = net.trainableVariables();
      // The two gradients, taken here with the plain losses.
      const fused = tf.variableGrads(
        () => softmaxCrossEntropy(net.head.apply(tf.concat(net.jointFeatures(xs, masks, ctx), 1)), y),
        variables,
      ).grads;
      const own = tf.variableGrads(() => {
        const fs = net.jointFeatures(xs, masks, ctx);
        return tf.addN(fs.map((f, i) => softmaxCrossEntropy(headSliceLogits(net, i, f), y))) as tf.Scalar;
      }, variables).grads;
      const before = new Map(
        net.namedVariables().map((v) => [v.variable.name, Array.from(v.variable.dataSync())]),
      );
      const t = mmparetoStep(net, sgd, {
        xs,
        masks,
        y,
        lr,
        seed: step,
        gamma: 1.5,
        present: [ROWS, ROWS],
        fastPath: false,
      });
      const cosines = Array.from(t.cosine.dataSync());
      for (const c of cosines) (c > 0 ? agreed : conflicted).push(c);
      const after = new Map(
        net.namedVariables().map((v) => [v.variable.name, Array.from(v.variable.dataSync())]),
      );
      const moved = (names: string[]): number[] =>
        names.flatMap((n) => after.get(n)!.map((w, i) => (before.get(n)![i] - w) / lr));
      net.order.forEach((m, i) => {
        const names = net.encoder(m).trainable.map((v) => v.variable.name);
        const gf = flat(fused, names);
        const gu = flat(own, names);
        const cos = dot(gf, gu) / Math.sqrt(dot(gf, gf) * dot(gu, gu));
        close([cosines[i]], [cos], `${m}: cosine`, 1e-4);
        const w =
          cos > 0
            ? 0.5
            : Math.min(
                1,
                Math.max(0, (dot(gu, gu) - dot(gf, gu)) / (dot(gf, gf) + dot(gu, gu) - 2 * dot(gf, gu))),
              );
        const d = gf.map((x, k) => w * x + (1 - w) * gu[k]);
        const s = gf.map((x, k) => x + gu[k]);
        const scale = 1.5 * Math.max(1, Math.sqrt(dot(s, s) / dot(d, d)));
        close(
          moved(names),
          d.map((x) => x * scale),
          `${m}: encoder update`,
          1e-4,
        );
      });
      const head = [net.head.kernel.variable.name, net.head.bias.variable.name];
      const summed = flat(fused, head).map((x, k) => x + flat(own, head)[k]);
      close(moved(head), summed, 'head update', 1e-4);
      tf.dispose([
        ...Object.values(fused),
        ...Object.values(own),
        ...xs,
        y,
        t.cosine,
        t.conflict,
        t.lossSum as tf.Scalar,
        t.correct as tf.Scalar,
      ]);
      t.unimodal.forEach((u) => tf.dispose([u.lossSum as tf.Scalar, u.correct as tf.Scalar]));
    }
    // Both branches of the rule were checked (on these batches 20 of the 80 encoder steps conflict).
    assert.ok(agreed.length > 0 && conflicted.length > 0, `cosines: ${agreed} / ${conflicted}`);
    net.dispose();
    sgd.dispose();
  });

  it('a modality with no row in the batch trains on the fused loss alone and reports no conflict', () => {
    const net = buildNet();
    const sgd = createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 });
    const { xs, y } = batch(2);
    const masks = [null, tf.zeros([ROWS, 1]) as tf.Tensor2D];
    const t = mmparetoStep(net, sgd, {
      xs,
      masks,
      y,
      lr: 0.1,
      seed: 3,
      gamma: 1.5,
      present: [ROWS, 0],
      fastPath: false,
    });
    close(t.conflict.dataSync(), [t.conflict.dataSync()[0], 0], 'conflict of b');
    close(t.cosine.dataSync().slice(1), [0], 'cosine of b');
    close((t.unimodal[1].correct as tf.Scalar).dataSync(), [0], 'b has no counted row');
    tf.dispose([...xs, y, masks[1]!, t.cosine, t.conflict]);
    net.dispose();
    sgd.dispose();
  });
});

describe('MMPareto training on the generated example', () => {
  it('records conflict rate and mean cosine per modality and reaches a real accuracy', async () => {
    const ws = await exampleWorkspace();
    const config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'mmpareto';
      delete raw.mla;
      (raw.training as Record<string, unknown>).epochs = 4;
    });
    const outcome = await train(config, 0, tempDir('mmpareto'));
    assert.equal(outcome.state, 'completed');
    const records = epochRecords(outcome.runDir);
    assert.equal(records.length, 4);
    for (const r of records) {
      const d = r.diagnostics!;
      assert.deepEqual(
        Object.keys(d).sort(),
        ['medium', 'strong', 'weak']
          .flatMap((m) => [`mmpareto/conflict/${m}`, `mmpareto/cosine/${m}`])
          .sort(),
      );
      for (const m of ['strong', 'medium', 'weak']) {
        const rate = d[`mmpareto/conflict/${m}`];
        const cos = d[`mmpareto/cosine/${m}`];
        assert.ok(rate >= 0 && rate <= 1, `epoch ${r.epoch}: conflict rate of ${m} ${rate}`);
        assert.ok(cos >= -1 && cos <= 1, `epoch ${r.epoch}: cosine of ${m} ${cos}`);
      }
    }
    // Early on every encoder's fused and unimodal gradients point the same way; they part as the fused head
    // comes to rely on the other modalities (on seed 0: 0.96 in epoch 1, 0.48 in epoch 4 for strong).
    const cosine = (epoch: number, m: string): number =>
      records[epoch - 1].diagnostics![`mmpareto/cosine/${m}`];
    for (const m of ['strong', 'medium', 'weak']) {
      assert.ok(cosine(1, m) > 0.8, `first-epoch cosine of ${m} ${cosine(1, m)}`);
      assert.ok(cosine(4, m) < cosine(1, m) - 0.2, `cosine of ${m}: ${cosine(1, m)} then ${cosine(4, m)}`);
    }
    // Seed 0: 87 % fused at test, 99.7 % on train (the strong modality's shortcut holds on train only).
    assert.ok(records[3].test.fused > 0.8, `fused ${records[3].test.fused}`);
    assert.ok(records[3].train.fusedAcc! > 0.9, `train fused ${records[3].train.fusedAcc}`);
  });
});

describe('MMPareto runs', () => {
  let config: ResolvedConfig;
  before(async () => {
    const ws = await exampleWorkspace();
    config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'mmpareto';
      delete raw.mla;
      raw.mmpareto = { gamma: 1.5 };
      (raw.training as Record<string, unknown>).epochs = 3;
    });
  });

  async function finalWeights(runDir: string): Promise<Map<string, Float32Array>> {
    const refs = listCheckpoints(runDir);
    const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
    return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
  }

  it('stopped mid-epoch and resumed, equal an uninterrupted run: weights and diagnostics', async () => {
    const runs = tempDir('mmpareto-stop');
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
      partial.tensors.some((t) => t.name === 'mmpareto/cosine-sum'),
      'the mid-epoch checkpoint carries the cosine sums',
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
    const run = await train(config, 1, tempDir('mmpareto-tensors'), {
      shouldStop: () => false,
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(run.state, 'completed');
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `tensor counts per epoch: ${counts}`);
  });
});
