// The fast-path evaluation (src/core/train/fast/mlp-eval.ts) against the tf path it replaces, on cpu and wasm:
// for every method, the per-modality and fused logits of the validation and test splits agree bit for bit
// (the unimodal method's mean probabilities to a relative 1e-5), and the scores (accuracies, macro-F1, loss)
// and fusion weights derived from them are the same. On the example project (with and without simulated
// missing test modalities) and on a three-modality case with widths that are not multiples of the SIMD width,
// two hidden layers, a [2, 5] sample and a modality missing from some rows of the dataset itself. Networks
// that are not all MLPs with ReLU keep the tf path.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/backend/select';
import type { MlpEncoderConfig, ResolvedConfig } from '../../src/core/config/types';
import type { Dataset } from '../../src/core/data/types';
import { trainingMethod, trainingMethodNames } from '../../src/core/methods';
import { RowGatherer } from '../../src/core/train/batches';
import {
  predictSplits,
  scoreSplit,
  meanFusionWeights,
  type SplitOutputs,
} from '../../src/core/train/evaluate';
import { fastEvalHost } from '../../src/core/train/fast/mlp-eval';
import { Network } from '../../src/core/train/network';
import { prepareData, type PreparedData } from '../../src/core/train/prepare';
import { loadRunDataset } from '../../src/core/train/runner';
import { Rng } from '../../src/core/util/random';
import { exampleWorkspace, loadConfig } from '../support/training';

const REL_TOL = 1e-5;

function assertClose(actual: Float32Array, expected: Float32Array, what: string, tol = REL_TOL): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    const scale = Math.max(Math.abs(e), 1);
    assert.ok(Math.abs(a - e) <= tol * scale, `${what}[${i}]: ${a} (fast) vs ${e} (tf)`);
  }
}

/** Every bias (zero at init) and the head kernel drawn anew, so that each head's bias share matters. */
function randomizeWeights(net: Network, seed: number): void {
  const rng = Rng.fromSeed(seed, 'fast-eval-test');
  for (const { name, variable } of net.namedVariables()) {
    if (!name.endsWith('bias') && !name.startsWith('head')) continue;
    const values = Float32Array.from({ length: variable.size }, () => 0.5 * rng.normal());
    variable.assign(tf.tensor(values, variable.shape));
  }
}

async function compare(config: ResolvedConfig, dataset: Dataset, seed: number): Promise<SplitOutputs[]> {
  const data: PreparedData = prepareData(dataset, config, seed);
  const net = Network.build(config, data.modalities, data.classes.length, seed);
  try {
    randomizeWeights(net, seed);
    assert.ok(fastEvalHost(net, trainingMethod(config.method)), 'the fast path applies');
    const gatherers = data.modalities.map((m) => new RowGatherer(m));
    const splits = [data.val, data.test];
    const fusion = config.mla.fusion;
    const tfOut = await predictSplits(net, data, gatherers, splits, fusion, { fastPath: false });
    const fastOut = await predictSplits(net, data, gatherers, splits, fusion);
    fastOut.forEach((fast, s) => {
      const ref = tfOut[s];
      const split = s === 0 ? 'val' : 'test';
      assert.deepEqual(fast.rows, ref.rows);
      assert.deepEqual(fast.labels, ref.labels);
      assert.deepEqual(fast.present, ref.present);
      // The same kernels and float32 operations: bit for bit, but for the mean-probability head's softmax,
      // a JS loop against the backend's kernel.
      net.order.forEach((m, i) => assertClose(fast.logits[i], ref.logits[i], `${split} ${m} logits`, 0));
      const meanProbabilities = trainingMethod(config.method).evalHead?.fused === 'mean-probabilities';
      assertClose(fast.fused, ref.fused, `${split} fused logits`, meanProbabilities ? REL_TOL : 0);
      assert.equal(fast.weights === null, ref.weights === null);
      fast.weights?.forEach((w, i) => assertClose(w, ref.weights![i], `${split} fusion weights ${i}`));
      const [a, b] = [scoreSplit(fast, net.order), scoreSplit(ref, net.order)];
      assert.deepEqual({ ...a, loss: 0 }, { ...b, loss: 0 }, `${split} accuracies and macro-F1`);
      assert.ok(
        Math.abs(a.loss - b.loss) <= REL_TOL * Math.abs(b.loss),
        `${split} loss ${a.loss} vs ${b.loss}`,
      );
      assert.deepEqual(meanFusionWeights(fast, net.order), meanFusionWeights(ref, net.order));
    });
    return fastOut;
  } finally {
    net.dispose();
  }
}

/** Three modalities of odd widths (a [2, 5] grid among them), b missing from every fourth row. */
function threeModalityCase(exampleConfig: ResolvedConfig): { config: ResolvedConfig; dataset: Dataset } {
  const rng = Rng.fromSeed(11, 'fast-eval-data');
  const n = 90;
  const classes = 5;
  const labels = Int32Array.from({ length: n }, () => rng.int(classes));
  const shapes: Record<string, number[]> = { a: [7], b: [2, 5], c: [13] };
  const modalities = Object.entries(shapes).map(([name, sampleShape]) => {
    const size = sampleShape.reduce((x, y) => x * y, 1);
    const features = Float32Array.from({ length: n * size }, (_, k) => {
      const row = Math.floor(k / size);
      return (k % size === labels[row] ? 1.5 : 0) + rng.normal();
    });
    const present = name === 'b' ? Uint8Array.from({ length: n }, (_, r) => (r % 4 === 1 ? 0 : 1)) : null;
    return { name, sampleShape, features, present };
  });
  const base = exampleConfig.model.encoders[exampleConfig.mla.order[0]] as MlpEncoderConfig;
  const hidden: Record<string, number[]> = { a: [10, 6], b: [9], c: [16] };
  const config: ResolvedConfig = {
    ...exampleConfig,
    model: {
      ...exampleConfig.model,
      featureDim: 6,
      encoders: Object.fromEntries(Object.keys(shapes).map((m) => [m, { ...base, hidden: hidden[m] }])),
    },
    mla: { ...exampleConfig.mla, order: ['a', 'b', 'c'] },
  };
  const dataset: Dataset = {
    name: 'three',
    source: '<test>',
    classes: Array.from({ length: classes }, (_, c) => `k${c}`),
    labels,
    modalities,
    splits: {
      train: Int32Array.from({ length: 60 }, (_, i) => i),
      val: Int32Array.from({ length: 10 }, (_, i) => 60 + i),
      test: Int32Array.from({ length: 20 }, (_, i) => 70 + i),
    },
  };
  return { config, dataset };
}

for (const backendName of ['cpu', 'wasm'] as const) {
  describe(`fast-path evaluation = tf evaluation on ${backendName}`, () => {
    let previous: string;
    let mlaConfig: ResolvedConfig;
    let example: Dataset;
    before(async () => {
      previous = tf.getBackend();
      await selectBackend(backendName);
      const workspace = await exampleWorkspace();
      mlaConfig = await loadConfig(workspace.mla);
      example = await loadRunDataset(mlaConfig);
    });
    after(async () => {
      if (previous) await tf.setBackend(previous);
    });

    for (const method of trainingMethodNames()) {
      test(`${method}: the example project`, async () => {
        const [val, test] = await compare({ ...mlaConfig, method }, example, 1);
        assert.ok(val.rows.length > 0 && test.rows.length > 256, 'the test split spans several tf chunks');
      });

      test(`${method}: the example with 30 % of the test modalities missing`, async () => {
        const config = {
          ...mlaConfig,
          method,
          preprocess: { ...mlaConfig.preprocess, missingRate: { train: 0, test: 0.3 } },
        };
        const [, test] = await compare(config, example, 2);
        assert.ok(
          test.present.some((p) => p.includes(0)),
          'some test rows lack a modality',
        );
      });

      test(`${method}: three modalities, odd widths, b missing from some rows`, async () => {
        const { config, dataset } = threeModalityCase({ ...mlaConfig, method });
        const [val] = await compare(config, dataset, 3);
        assert.ok(val.present[1].includes(0), 'some validation rows lack b');
      });
    }

    test('an MLA fusion over batches of the split (entropy-batch) agrees too', async () => {
      const fusion = { type: 'entropy-batch', batchSize: 64 } as const;
      const config = { ...mlaConfig, mla: { ...mlaConfig.mla, fusion } };
      await compare(config, example, 4);
    });

    test('a network with an encoder other than an MLP with ReLU keeps the tf path', () => {
      const { config, dataset } = threeModalityCase(mlaConfig);
      const gelu: ResolvedConfig = {
        ...config,
        model: {
          ...config.model,
          encoders: {
            ...config.model.encoders,
            c: { ...(config.model.encoders.c as MlpEncoderConfig), activation: 'gelu' },
          },
        },
      };
      const data = prepareData(dataset, gelu, 0);
      const net = Network.build(gelu, data.modalities, data.classes.length, 0);
      try {
        assert.equal(fastEvalHost(net, trainingMethod('mla')), null);
      } finally {
        net.dispose();
      }
    });
  });
}
