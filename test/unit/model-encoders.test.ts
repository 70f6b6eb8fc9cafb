// Encoders as the trainer sees them: shapes, non-negative features, deterministic initialisation with the
// documented scales, stable parameter names, seeded dropout, and no tensor leak over training steps.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { selectBackend } from '../../src/core/backend/select';
import type { EncoderConfig } from '../../src/core/config/types';
import { buildEncoder, buildHead } from '../../src/core/model/build';
import { Dropout } from '../../src/core/model/layers/dropout';
import { dropoutMask } from '../../src/core/model/layers/dropout-stream';
import { siteSeed } from '../../src/core/model/layers/seeds';
import type { Encoder } from '../../src/core/model/types';
import { Rng } from '../../src/core/util/random';

const SMALL: { sampleShape: number[]; cfg: EncoderConfig }[] = [
  { sampleShape: [12], cfg: { type: 'mlp', hidden: [16, 8], dropout: 0.3, activation: 'relu' } },
  {
    sampleShape: [10, 3],
    cfg: { type: 'conv1d', channels: [6, 5], kernelSize: 3, dropout: 0.3, activation: 'tanh' },
  },
  {
    sampleShape: [9, 8],
    cfg: { type: 'conv2d', channels: [4, 6], kernelSize: 3, dropout: 0.3, activation: 'elu' },
  },
  { sampleShape: [24, 20, 2], cfg: { type: 'resnet18', widths: [4, 4, 8, 8] } },
  { sampleShape: [6, 4], cfg: { type: 'transformer', layers: 1, dim: 8, heads: 2, ffDim: 16, dropout: 0.3 } },
];

function input(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

function weightsOf(encoder: Encoder): Map<string, number[]> {
  return new Map(
    [...encoder.trainable, ...encoder.state].map((p) => [p.name, Array.from(p.variable.dataSync())]),
  );
}

function std(values: ArrayLike<number>): number {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sq += values[i] * values[i];
  }
  const mean = sum / values.length;
  return Math.sqrt(sq / values.length - mean * mean);
}

before(async () => {
  await selectBackend('wasm');
});

describe('forward pass', () => {
  for (const { sampleShape, cfg } of SMALL) {
    test(`${cfg.type}: [B, ...${JSON.stringify(sampleShape)}] → [B, featureDim], non-negative`, () => {
      const encoder = buildEncoder('audio', sampleShape, cfg, 7, Rng.fromSeed(1, 'model'));
      assert.equal(encoder.modality, 'audio');
      assert.equal(encoder.featureDim, 7);
      const x = input([3, ...sampleShape], 5);
      for (const training of [true, false]) {
        const f = encoder.apply(x, { training, seed: 3 });
        assert.deepEqual(f.shape, [3, 7]);
        const values = f.dataSync();
        assert.ok(values.every((v) => v >= 0 && Number.isFinite(v)));
        assert.ok(
          values.some((v) => v > 0),
          'features are not all zero',
        );
        f.dispose();
      }
      x.dispose();
      encoder.dispose();
    });
  }

  test('a batch of the wrong sample shape is refused with the modality named', () => {
    const encoder = buildEncoder('audio', [12], SMALL[0].cfg, 4, Rng.fromSeed(1));
    const x = tf.zeros([2, 13]);
    assert.throws(() => encoder.apply(x, { training: false, seed: 0 }), {
      message: "Encoder 'audio': expected samples of shape [12], got [13].",
    });
    x.dispose();
    encoder.dispose();
  });

  test('sample shapes an encoder cannot take are refused at build time', () => {
    assert.throws(() => buildEncoder('text', [5], SMALL[1].cfg, 4, Rng.fromSeed(1)), {
      message: "Encoder 'text' (conv1d) needs samples of shape [T, D]; got [5].",
    });
    assert.throws(() => buildEncoder('img', [2, 3, 4, 5], SMALL[2].cfg, 4, Rng.fromSeed(1)), {
      message: "Encoder 'img' (conv2d) needs samples of shape [H, W] or [H, W, C]; got [2, 3, 4, 5].",
    });
    assert.throws(
      () =>
        buildEncoder(
          'seq',
          [6, 4],
          { type: 'transformer', layers: 1, dim: 10, heads: 4, ffDim: 8, dropout: 0 },
          4,
          Rng.fromSeed(1),
        ),
      { message: "Encoder 'seq' (transformer): dim 10 is not divisible by heads 4." },
    );
  });

  test('conv2d takes [H, W] grids (a channel is added) and keeps pooling a map that is 1 wide', () => {
    const cfg: EncoderConfig = {
      type: 'conv2d',
      channels: [3, 3, 3],
      kernelSize: 3,
      dropout: 0,
      activation: 'relu',
    };
    const encoder = buildEncoder('spec', [16, 1], cfg, 5, Rng.fromSeed(2));
    const f = encoder.apply(input([2, 16, 1], 1), { training: false, seed: 0 });
    assert.deepEqual(f.shape, [2, 5]);
    assert.deepEqual(encoder.trainable[0].variable.shape, [3, 3, 1, 3]);
    encoder.dispose();
  });
});

describe('parameters', () => {
  test('stable names: MLP', () => {
    const encoder = buildEncoder('audio', [12], SMALL[0].cfg, 7, Rng.fromSeed(1));
    assert.deepEqual(
      encoder.trainable.map((p) => `${p.name}:${p.variable.shape.join('x')}`),
      [
        'audio/dense0/kernel:12x16',
        'audio/dense0/bias:16',
        'audio/dense1/kernel:16x8',
        'audio/dense1/bias:8',
        'audio/proj/kernel:8x7',
        'audio/proj/bias:7',
      ],
    );
    assert.deepEqual(encoder.state, []);
    encoder.dispose();
  });

  test('ResNet-18: 20 BatchNorms, 3 downsample shortcuts, projection only when featureDim differs', () => {
    const cfg: EncoderConfig = { type: 'resnet18', widths: [4, 4, 8, 8] };
    const projected = buildEncoder('v', [24, 20, 3], cfg, 6, Rng.fromSeed(1));
    const plain = buildEncoder('v', [24, 20, 3], cfg, 8, Rng.fromSeed(1));
    const names = projected.trainable.map((p) => p.name);
    assert.equal(names.filter((n) => n.endsWith('/gamma')).length, 20);
    assert.equal(projected.state.length, 40);
    assert.deepEqual(
      names.filter((n) => n.includes('downsample') && n.endsWith('conv/kernel')),
      [
        'v/layer2/block0/downsample/conv/kernel',
        'v/layer3/block0/downsample/conv/kernel',
        'v/layer4/block0/downsample/conv/kernel',
      ],
    );
    assert.ok(!names.some((n) => n.endsWith('conv/bias')), 'ResNet convs have no bias');
    assert.deepEqual(projected.trainable[0].variable.shape, [7, 7, 3, 4]);
    assert.ok(names.includes('v/proj/kernel'));
    assert.ok(!plain.trainable.some((p) => p.name.startsWith('v/proj')));
    const f = plain.apply(input([2, 24, 20, 3], 1), { training: false, seed: 0 });
    assert.deepEqual(f.shape, [2, 8]);
    projected.dispose();
    plain.dispose();
  });

  test('every tf variable name is unique, also across models built from the same config', () => {
    const a = buildEncoder('audio', [12], SMALL[0].cfg, 7, Rng.fromSeed(1));
    const b = buildEncoder('audio', [12], SMALL[0].cfg, 7, Rng.fromSeed(1));
    const tfNames = [...a.trainable, ...b.trainable].map((p) => p.variable.name);
    assert.equal(new Set(tfNames).size, tfNames.length);
    a.dispose();
    b.dispose();
  });

  for (const { sampleShape, cfg } of SMALL) {
    test(`${cfg.type}: the same seed builds identical weights, another seed different ones`, () => {
      const a = buildEncoder('m', sampleShape, cfg, 7, Rng.fromSeed(42, 'model'));
      const b = buildEncoder('m', sampleShape, cfg, 7, Rng.fromSeed(42, 'model'));
      const c = buildEncoder('m', sampleShape, cfg, 7, Rng.fromSeed(43, 'model'));
      assert.deepEqual(weightsOf(a), weightsOf(b));
      const kernel = a.trainable[0].name;
      assert.notDeepEqual(weightsOf(a).get(kernel), weightsOf(c).get(kernel));
      [a, b, c].forEach((e) => e.dispose());
    });
  }

  test('initial scales: Xavier-normal linear, Kaiming-normal fan_out conv, zero biases, BN γ = 1, β = 0', () => {
    const mlp = buildEncoder(
      'm',
      [300],
      { type: 'mlp', hidden: [200], dropout: 0, activation: 'relu' },
      100,
      Rng.fromSeed(3),
    );
    const kernel = mlp.trainable[0].variable.dataSync();
    assert.ok(Math.abs(std(kernel) / Math.sqrt(2 / 500) - 1) < 0.02, `xavier std ${std(kernel)}`);
    assert.ok(mlp.trainable[1].variable.dataSync().every((v) => v === 0));
    const resnet = buildEncoder(
      'r',
      [32, 32, 3],
      { type: 'resnet18', widths: [64, 8, 8, 8] },
      8,
      Rng.fromSeed(3),
    );
    const stem = resnet.trainable.find((p) => p.name === 'r/stem/conv/kernel')!.variable.dataSync();
    assert.ok(Math.abs(std(stem) / Math.sqrt(2 / (64 * 49)) - 1) < 0.03, `kaiming std ${std(stem)}`);
    assert.ok(
      resnet.trainable
        .find((p) => p.name === 'r/stem/bn/gamma')!
        .variable.dataSync()
        .every((v) => v === 1),
    );
    assert.ok(
      resnet.trainable
        .find((p) => p.name === 'r/stem/bn/beta')!
        .variable.dataSync()
        .every((v) => v === 0),
    );
    const head = buildHead(100, 10, Rng.fromSeed(3));
    assert.equal(head.kernel.name, 'head/kernel');
    assert.equal(head.bias.name, 'head/bias');
    assert.deepEqual(head.kernel.variable.shape, [100, 10]);
    assert.ok(Math.abs(std(head.kernel.variable.dataSync()) / Math.sqrt(2 / 110) - 1) < 0.1);
    const logits = head.apply(tf.ones([2, 100]) as tf.Tensor2D);
    assert.deepEqual(logits.shape, [2, 10]);
    [mlp, resnet, head].forEach((m) => m.dispose());
  });
});

describe('dropout', () => {
  test('masks repeat for the same forward seed and differ for another; eval mode has none', () => {
    for (const { sampleShape, cfg } of SMALL.filter((s) => s.cfg.type !== 'resnet18')) {
      const encoder = buildEncoder('m', sampleShape, cfg, 7, Rng.fromSeed(5));
      const x = input([4, ...sampleShape], 9);
      const run = (training: boolean, seed: number) =>
        Array.from(encoder.apply(x, { training, seed }).dataSync());
      assert.deepEqual(run(true, 1), run(true, 1), cfg.type);
      assert.notDeepEqual(run(true, 1), run(true, 2), cfg.type);
      assert.deepEqual(run(false, 1), run(false, 2), cfg.type);
      assert.notDeepEqual(run(true, 1), run(false, 1), cfg.type);
      x.dispose();
      encoder.dispose();
    }
  });

  test('inverted dropout keeps about 1 − rate of the units, scaled by 1/(1 − rate), per-site masks', () => {
    const ones = tf.ones([100, 100]);
    const first = new Dropout(0.25, 7, 0).apply(ones, { training: true, seed: 11 }).dataSync();
    const second = new Dropout(0.25, 7, 1).apply(ones, { training: true, seed: 11 }).dataSync();
    const kept = first.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02, `kept ${kept.length}`);
    assert.notDeepEqual(Array.from(first), Array.from(second));
    ones.dispose();
  });

  test("the mask written into the backend's memory is the stream's JS mask, bit for bit, on wasm and cpu", async () => {
    // 3·7·13 = 273 elements: the SIMD loop's bulk and a 1-element tail.
    const want = Array.from(dropoutMask(273, 0.3, siteSeed(19, 5, 2)));
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const got = tf.tidy(() =>
        Array.from(
          new Dropout(0.3, 5, 2).apply(tf.ones([3, 7, 13]), { training: true, seed: 19 }).dataSync(),
        ),
      );
      assert.deepEqual(got, want, backend);
    }
    await tf.setBackend('wasm');
  });
});

describe('memory', () => {
  for (const { sampleShape, cfg } of SMALL) {
    test(`${cfg.type}: the tensor count is flat over training steps inside tf.tidy`, () => {
      const rng = Rng.fromSeed(8);
      const encoder = buildEncoder('m', sampleShape, cfg, 6, rng);
      const head = buildHead(6, 3, rng);
      const vars = [...encoder.trainable, head.kernel, head.bias].map((p) => p.variable);
      const optimizer = tf.train.momentum(0.01, 0.9);
      const x = input([4, ...sampleShape], 1);
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
      const step = (seed: number) =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () =>
              tf.losses.softmaxCrossEntropy(labels, head.apply(encoder.apply(x, { training: true, seed }))),
            vars,
          );
          optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
          return value.dataSync()[0];
        });
      const first = step(0);
      const counts: number[] = [];
      for (let i = 1; i <= 5; i++) {
        step(i);
        counts.push(tf.memory().numTensors);
      }
      assert.deepEqual(
        counts,
        counts.map(() => counts[0]),
      );
      assert.ok(Number.isFinite(first));
      optimizer.dispose();
      tf.dispose([x, labels]);
      encoder.dispose();
      head.dispose();
    });
  }
});
