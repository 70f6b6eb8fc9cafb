// ReconBoost: the stage schedule, the reconcilement weights and loss on hand-computed vectors (two and three
// modalities), the boosting step against a hand-built one (only the boosted learner moves, the weights are
// those of the rest of the ensemble), and training: diagnostics per phase, resume mid-stage equal to an
// uninterrupted run, a flat tensor count.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../src/core/config/types';
import { headSliceLogits } from '../../src/core/methods/concat-head';
import { ogmStep } from '../../src/core/methods/ogm-ge';
import {
  boostStep,
  reconPhase,
  reconcileLoss,
  reconcileWeights,
  type ReconPhase,
} from '../../src/core/methods/reconboost';
import { createOptimizer } from '../../src/core/optim/optimizer';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import { resumeRun } from '../../src/core/train/runner';
import { Network } from '../../src/core/train/network';
import type { PreparedModality } from '../../src/core/train/prepare';
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

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

function describePhase(p: ReconPhase): string {
  return p.kind === 'boost' ? `boost ${p.modality}` : 'rectify';
}

describe('ReconBoost schedule', () => {
  it('cycles the boosted modality per stage, each stage followed by its rectification', () => {
    const options = { stageEpochs: 2, rectifyEpochs: 1, lambda: 0.5 };
    const phases = Array.from({ length: 10 }, (_, e) => describePhase(reconPhase(e, 3, options)));
    assert.deepEqual(phases, [
      'boost 0',
      'boost 0',
      'rectify',
      'boost 1',
      'boost 1',
      'rectify',
      'boost 2',
      'boost 2',
      'rectify',
      'boost 0',
    ]);
    assert.deepEqual(
      Array.from({ length: 5 }, (_, e) => reconPhase(e, 3, options).stage),
      [0, 0, 0, 1, 1],
    );
  });

  it('without rectification, two modalities alternate stage by stage', () => {
    const options = { stageEpochs: 1, rectifyEpochs: 0, lambda: 0.5 };
    const phases = Array.from({ length: 5 }, (_, e) => describePhase(reconPhase(e, 2, options)));
    assert.deepEqual(phases, ['boost 0', 'boost 1', 'boost 0', 'boost 1', 'boost 0']);
  });
});

describe('ReconBoost reconcilement weights and loss', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('two modalities: w = 1 − λ·p_rest(y), the rest being the other modality', () => {
    // softmax([0, ln 3]) = [0.25, 0.75]; softmax([ln 4, 0]) = [0.8, 0.2]; rows of class 1 and class 0.
    const rest = tf.tensor2d([0, Math.log(3), Math.log(4), 0], [2, 2]);
    const y = tf.tensor2d([0, 1, 1, 0], [2, 2]);
    close(reconcileWeights(rest, y, 0.5).dataSync(), [1 - 0.5 * 0.75, 1 - 0.5 * 0.8], 'λ = 0.5');
    close(reconcileWeights(rest, y, 1).dataSync(), [0.25, 0.2], 'λ = 1');
    close(reconcileWeights(rest, y, 0).dataSync(), [1, 1], 'λ = 0');
    close(reconcileWeights(null, y, 0.9).dataSync(), [1, 1], 'no other learner');
  });

  it('three modalities: the rest is the sum of the other two learners’ logits', () => {
    // [ln 2, 0] + [0, ln 3] = [ln 2, ln 3]: softmax [0.4, 0.6]; [0, 0] + [ln 9, 0]: softmax [0.9, 0.1].
    const b = tf.tensor2d([Math.log(2), 0, 0, 0], [2, 2]);
    const c = tf.tensor2d([0, Math.log(3), Math.log(9), 0], [2, 2]);
    const y = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const rest = tf.add(b, c) as tf.Tensor2D;
    close(reconcileWeights(rest, y, 0.5).dataSync(), [0.8, 0.95], 'weights');
  });

  it('the loss is the weighted cross-entropy over the rows that have the modality, divided by their count', () => {
    // Row losses: uniform logits give ln 2; [ln 3, 0] on class 0 gives −ln 0.75.
    const z = tf.tensor2d([0, 0, Math.log(3), 0, 0, 0], [3, 2]);
    const y = tf.tensor2d([1, 0, 1, 0, 0, 1], [3, 2]);
    const w = tf.tensor1d([0.625, 0.5, 0.9]);
    const all = reconcileLoss(z, y, w, tf.tensor1d([1, 1, 1])).dataSync();
    close(all, [(0.625 * Math.LN2 - 0.5 * Math.log(0.75) + 0.9 * Math.LN2) / 3], 'every row');
    const some = reconcileLoss(z, y, w, tf.tensor1d([1, 0, 1])).dataSync();
    close(some, [(0.625 * Math.LN2 + 0.9 * Math.LN2) / 2], 'the second row lacks the modality');
  });
});

const MODALITIES = [
  { name: 'a', sampleShape: [6] },
  { name: 'b', sampleShape: [5] },
  { name: 'c', sampleShape: [4] },
];
const CLASSES = 3;
const ROWS = 12;
const SGD = { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 } as const;
const ADAM = { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 } as const;

function buildNet(): Network {
  const mlp = { type: 'mlp', hidden: [8], dropout: 0, activation: 'relu' };
  const config = {
    method: 'reconboost',
    model: { featureDim: 4, encoders: { a: mlp, b: mlp, c: mlp } },
  } as unknown as ResolvedConfig;
  return Network.build(config, MODALITIES as unknown as PreparedModality[], CLASSES, 11);
}

/** Modality a sees the label, b half of it, c noise. */
function batch(seed: number): { xs: tf.Tensor[]; y: tf.Tensor2D; labels: number[] } {
  const rng = Rng.fromSeed(seed, 'reconboost-test');
  const labels = Array.from({ length: ROWS }, () => rng.int(CLASSES));
  const xs = MODALITIES.map((m, k) => {
    const d = m.sampleShape[0];
    const v = new Float32Array(ROWS * d);
    labels.forEach((label, r) => {
      for (let j = 0; j < d; j++) v[r * d + j] = (j === label ? 3 - 1.5 * k : 0) + rng.normal();
    });
    return tf.tensor2d(v, [ROWS, d]);
  });
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D;
  return { xs, y, labels };
}

function weights(net: Network): Map<string, Float32Array> {
  return new Map(net.namedVariables().map((v) => [v.name, v.variable.dataSync() as Float32Array]));
}

function softmaxRow(z: ArrayLike<number>, r: number): number[] {
  const row = Array.from({ length: CLASSES }, (_, c) => z[r * CLASSES + c]);
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('ReconBoost boosting step', () => {
  let previous = '';
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend('cpu');
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('weights each row by the rest of the ensemble and steps on the hand-built weighted loss (SGD)', () => {
    const [net, ref] = [buildNet(), buildNet()];
    const [opt] = [createOptimizer(SGD)];
    const { xs, y, labels } = batch(3);
    const m = 1;
    const lambda = 0.7;
    // The weights by hand: the other two learners' read-outs summed, softmaxed, the true class taken.
    const readOut = (k: number) =>
      headSliceLogits(ref, k, ref.encoder(MODALITIES[k].name).apply(xs[k], { training: false, seed: 0 }));
    const rest = tf.add(readOut(0), readOut(2)).dataSync();
    const w = labels.map((label, r) => 1 - lambda * softmaxRow(rest, r)[label]);
    const expectedWeightSum = w.reduce((a, b) => a + b, 0);
    // The step by hand: SGD on Σ w_i·CE_i / n of modality b's read-out, its encoder and the head only.
    const variables = [
      ...ref.encoder('b').trainable.map((v) => v.variable),
      ref.head.kernel.variable,
      ref.head.bias.variable,
    ];
    const wt = tf.tensor1d(w);
    const { grads } = tf.variableGrads(() => {
      const z = headSliceLogits(ref, m, ref.encoder('b').apply(xs[m], { training: true, seed: 5 }));
      const rowLoss = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1));
      return tf.div(tf.sum(tf.mul(rowLoss, wt)), ROWS) as tf.Scalar;
    }, variables);
    for (const v of variables) v.assign(tf.sub(v, tf.mul(0.1, grads[v.name])));
    const before = weights(net);
    const t = boostStep(net, opt, {
      xs,
      masks: [null, null, null],
      y,
      lr: 0.1,
      seed: 5,
      modality: m,
      lambda,
    });
    close(t.weightSum.dataSync(), [expectedWeightSum], 'sum of the weights', 1e-5);
    const after = weights(net);
    const expected = weights(ref);
    let moved = 0;
    for (const [name, value] of after) {
      close(value, expected.get(name)!, name, 1e-6);
      if (value.some((v, i) => v !== before.get(name)![i])) moved++;
    }
    assert.ok(moved >= 4, `b's encoder and the head moved (${moved} tensors)`);
    for (const k of ['a', 'c']) {
      for (const v of net.encoder(k).trainable) {
        assert.deepEqual(after.get(v.name), before.get(v.name), `${v.name} is not trained in b's stage`);
      }
    }
    tf.dispose([...xs, y, wt]);
    [net, ref, opt].forEach((d) => d.dispose());
  });

  it("keeps the other learners' kernel slices still under Adam's momentum from a rectification step", () => {
    const net = buildNet();
    const opt = createOptimizer(ADAM);
    const first = batch(1);
    const r = ogmStep(net, opt, {
      ...first,
      masks: [null, null, null],
      lr: 0.01,
      seed: 1,
      alpha: 0,
      modulate: false,
      noise: false,
    });
    tf.dispose([r.rho, r.k]);
    const kernelBefore = net.head.kernel.variable.dataSync().slice();
    const second = batch(2);
    boostStep(net, opt, {
      ...second,
      masks: [null, null, null],
      lr: 0.01,
      seed: 2,
      modality: 0,
      lambda: 0.5,
    });
    const kernelAfter = net.head.kernel.variable.dataSync();
    const d = net.featureDim;
    // Rows of the kernel: [0, d) are a's slice, [d, 3d) those of b and c.
    let aMoved = 0;
    for (let i = 0; i < 3 * d * CLASSES; i++) {
      const row = Math.floor(i / CLASSES);
      if (row < d) aMoved += kernelAfter[i] !== kernelBefore[i] ? 1 : 0;
      else assert.equal(kernelAfter[i], kernelBefore[i], `kernel entry ${i} of another learner`);
    }
    assert.equal(aMoved, d * CLASSES, "every entry of a's slice moved");
    tf.dispose([...first.xs, first.y, ...second.xs, second.y]);
    net.dispose();
    opt.dispose();
  });
});

describe('ReconBoost training on the generated example', () => {
  let config: ResolvedConfig;
  before(async () => {
    const ws = await exampleWorkspace();
    config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'reconboost';
      delete raw.mla;
      raw.reconboost = { stageEpochs: 1, rectifyEpochs: 1, lambda: 0.5 };
      (raw.training as Record<string, unknown>).epochs = 4;
    });
  });

  async function finalWeights(runDir: string): Promise<Map<string, Float32Array>> {
    const refs = listCheckpoints(runDir);
    const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
    return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
  }

  it('records its phase each epoch, a mean weight in (1 − λ, 1] in boosting epochs, and learns', async () => {
    const outcome = await train(config, 0, tempDir('reconboost'));
    assert.equal(outcome.state, 'completed');
    const records = epochRecords(outcome.runDir);
    assert.equal(records.length, 4);
    const boosted = records.map((r) =>
      ['strong', 'medium', 'weak'].filter((m) => r.diagnostics![`reconboost/boosted/${m}`] === 1),
    );
    assert.deepEqual(boosted, [['strong'], [], ['medium'], []]);
    assert.deepEqual(
      records.map((r) => r.diagnostics!['reconboost/rectify']),
      [0, 1, 0, 1],
    );
    assert.deepEqual(
      records.map((r) => r.diagnostics!['reconboost/stage']),
      [1, 1, 2, 2],
    );
    for (const r of [records[0], records[2]]) {
      const w = r.diagnostics!['reconboost/weight'];
      assert.ok(w > 0.5 && w <= 1, `epoch ${r.epoch}: mean weight ${w}`);
    }
    assert.equal(records[1].diagnostics!['reconboost/weight'], undefined);
    // Boosting the medium modality, the strong one (trained in stage 1) gets many rows right: weights fall.
    assert.ok(
      records[2].diagnostics!['reconboost/weight'] < records[0].diagnostics!['reconboost/weight'],
      `mean weights ${records[0].diagnostics!['reconboost/weight']} then ${records[2].diagnostics!['reconboost/weight']}`,
    );
    // Stages 1 and 2 boost strong and medium, both blind to class3 against class4 (only weak tells them
    // apart): four epochs learn the other classes, about 0.8 at most.
    assert.ok(records[3].test.fused > 0.65, `fused test accuracy ${records[3].test.fused}`);
  });

  it('stopped mid-stage and resumed, equals an uninterrupted run: weights, records and diagnostics', async () => {
    const runs = tempDir('reconboost-stop');
    const straight = await train(config, 2, runs);
    let at = { epoch: 0, batch: 0 };
    const stopped = await train(config, 2, runs, {
      // Inside the third epoch: medium's boosting stage, after a rectification.
      shouldStop: () => at.epoch === 3 && at.batch >= 5,
      onBatch: (p) => {
        at = { epoch: p.epoch, batch: p.batch };
      },
    });
    assert.equal(stopped.state, 'stopped');
    const refs = listCheckpoints(stopped.runDir);
    const partial = await loadCheckpoint(refs[refs.length - 1].dir);
    assert.ok(
      partial.tensors.some((t) => t.name === 'reconboost/weight-sum'),
      'the mid-stage checkpoint carries the weight sum',
    );
    const resumed = await resumeRun({
      runDir: stopped.runDir,
      backend: await backend(),
      hooks: { shouldStop: () => false },
    });
    assert.equal(resumed.state, 'completed');
    const records = epochRecords(resumed.runDir).map(timeless);
    assert.equal(records.length, 4);
    assert.deepEqual(records, epochRecords(straight.runDir).map(timeless));
    assert.deepEqual(await finalWeights(resumed.runDir), await finalWeights(straight.runDir));
  });

  it('keeps the tensor count flat across epochs once every encoder has taken a step', async () => {
    const counts: number[] = [];
    const run = await train(config, 1, tempDir('reconboost-tensors'), {
      shouldStop: () => false,
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(run.state, 'completed');
    // Epoch 1 trains only the strong encoder; the rectification of epoch 2 is the first step of medium's and
    // weak's, which creates their SGD momentum buffers: 2 encoders × 2 layers × (kernel, bias).
    assert.deepEqual(
      counts,
      [counts[0], counts[0] + 8, counts[0] + 8, counts[0] + 8],
      `tensor counts: ${counts}`,
    );
  });
});
