// BatchNorm with PyTorch's semantics, updated inside a training forward that runs under tf.variableGrads and
// tf.tidy (as the trainer's step does), and used in eval mode.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { selectBackend } from '../../src/core/backend/select';
import { buildEncoder } from '../../src/core/model/build';
import { BatchNorm } from '../../src/core/model/layers/batchnorm';
import { ParamScope } from '../../src/core/model/params';
import { Rng } from '../../src/core/util/random';

// Two channels over four samples: channel 0 = [1, 2, 3, 6], channel 1 = [-2, 0, 2, 4].
const X = [
  [1, -2],
  [2, 0],
  [3, 2],
  [6, 4],
];
const MEAN = [3, 1];
const BIASED_VAR = [3.5, 5];
const UNBIASED_VAR = [14 / 3, 20 / 3];

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

before(async () => {
  await selectBackend('wasm');
});

for (const backend of ['wasm', 'cpu']) {
  test(`${backend}: a training step under variableGrads in tidy normalises with batch statistics and moves the running ones (momentum 0.1, unbiased variance)`, async () => {
    await tf.setBackend(backend);
    const scope = ParamScope.root('bn', Rng.fromSeed(0));
    const bn = new BatchNorm(scope, 2);
    const x = tf.tensor2d(X);
    const before = tf.memory().numTensors;
    const { normalised, grads } = tf.tidy(() => {
      let out: number[] = [];
      const result = tf.variableGrads(
        () => {
          const y = bn.apply(x, true);
          out = Array.from(y.dataSync());
          return tf.sum(
            tf.mul(
              y,
              tf.tensor2d([
                [1, 0],
                [0, 1],
                [2, 0],
                [0, 3],
              ]),
            ),
          );
        },
        scope.trainable.map((p) => p.variable),
      );
      return {
        normalised: out,
        grads: [bn.gamma, bn.beta].map((v) => Array.from(result.grads[v.name].dataSync())),
      };
    });
    // The moving statistics were reassigned, not added: no tensor survives the step.
    assert.equal(tf.memory().numTensors, before);
    const expected = X.flatMap((row) => row.map((v, c) => (v - MEAN[c]) / Math.sqrt(BIASED_VAR[c] + 1e-5)));
    close(normalised, expected);
    close(bn.movingMean.dataSync(), [0.1 * MEAN[0], 0.1 * MEAN[1]]);
    close(bn.movingVariance.dataSync(), [0.9 + 0.1 * UNBIASED_VAR[0], 0.9 + 0.1 * UNBIASED_VAR[1]]);
    // dLoss/dβ = Σ of the weights per channel; dLoss/dγ = Σ weight · x̂.
    const [dGamma, dBeta] = grads;
    close(dBeta, [3, 4]);
    close(dGamma, [expected[0] + 2 * expected[4], expected[3] + 3 * expected[7]], 1e-4);
    // Eval mode uses the running statistics.
    const evalOut = bn.apply(x, false).dataSync();
    const mm = bn.movingMean.dataSync();
    const mv = bn.movingVariance.dataSync();
    close(
      evalOut,
      X.flatMap((row) => row.map((v, c) => (v - mm[c]) / Math.sqrt(mv[c] + 1e-5))),
    );
    x.dispose();
    scope.trainable.concat(scope.state).forEach((p) => p.variable.dispose());
  });
}

test('ResNet-18: a training forward moves every running statistic, an eval forward none', async () => {
  await tf.setBackend('wasm');
  const encoder = buildEncoder(
    'v',
    [20, 20, 1],
    { type: 'resnet18', widths: [2, 2, 4, 4] },
    4,
    Rng.fromSeed(1),
  );
  const snapshot = () => encoder.state.map((p) => Array.from(p.variable.dataSync()));
  const x = tf.randomNormal([3, 20, 20, 1], 0, 1, 'float32', 1);
  const initial = snapshot();
  tf.tidy(() => encoder.apply(x, { training: false, seed: 0 }));
  assert.deepEqual(snapshot(), initial);
  tf.tidy(() => encoder.apply(x, { training: true, seed: 0 }));
  const after = snapshot();
  after.forEach((values, i) => assert.notDeepEqual(values, initial[i], encoder.state[i].name));
  assert.ok(encoder.state.every((p) => !p.variable.trainable));
  x.dispose();
  encoder.dispose();
});
