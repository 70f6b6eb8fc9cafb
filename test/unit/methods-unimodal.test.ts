// The unimodal baseline: its fused prediction (the mean of the modalities' probabilities, over the ones a row
// has) on hand-computed vectors for two and three modalities, and a short training run on the generated example.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../src/core/config/types';
import { meanProbabilityLogits } from '../../src/core/methods/unimodal';
import { epochRecords, exampleWorkspace, loadConfig, tempDir, train } from '../support/training';

const TOL = 1e-6;

function fusedProbabilities(logits: number[][][], masks: (number[] | null)[]): Float32Array {
  const zs = logits.map((z) => tf.tensor2d(z));
  const ms = masks.map((m) => (m ? tf.tensor2d(m, [m.length, 1]) : null));
  const fused = meanProbabilityLogits(zs, ms);
  const p = tf.softmax(fused).dataSync() as Float32Array;
  const direct = tf.exp(fused).dataSync();
  // The fused logits are log-probabilities already: their softmax changes nothing.
  p.forEach((v, i) => assert.ok(Math.abs(v - direct[i]) < TOL, `softmax = exp at ${i}`));
  tf.dispose([...zs, ...ms.filter((m): m is tf.Tensor2D => m !== null), fused]);
  return p;
}

function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) < TOL, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

// softmax([0, ln 3]) = [0.25, 0.75]; softmax([0, 0]) = [0.5, 0.5]; softmax([ln 4, 0]) = [0.8, 0.2].
const A = [0, Math.log(3)];
const B = [0, 0];
const C = [Math.log(4), 0];

describe('unimodal fused prediction', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('averages the probabilities of two modalities', () => {
    close(
      fusedProbabilities(
        [
          [A, C],
          [B, B],
        ],
        [null, null],
      ),
      [0.375, 0.625, 0.65, 0.35],
      'two',
    );
  });

  it('averages the probabilities of three modalities', () => {
    const p = fusedProbabilities([[A], [B], [C]], [null, null, null]);
    close(p, [(0.25 + 0.5 + 0.8) / 3, (0.75 + 0.5 + 0.2) / 3], 'three');
  });

  it('leaves out the modalities a row lacks', () => {
    // Row 0 lacks the third modality, row 1 the first.
    const p = fusedProbabilities(
      [
        [A, A],
        [B, B],
        [C, C],
      ],
      [[1, 0], null, [0, 1]],
    );
    close(p, [0.375, 0.625, 0.65, 0.35], 'with masks');
  });

  it('differs from averaging the logits', () => {
    // Mean logits of A and C are [ln 2, ln √3]: softmax 0.5359 for class 0, not the 0.525 of the probabilities.
    close(fusedProbabilities([[A], [C]], [null, null]), [0.525, 0.475], 'A and C');
  });
});

describe('unimodal training on the generated example', () => {
  let config: ResolvedConfig;
  before(async () => {
    const ws = await exampleWorkspace();
    config = await loadConfig(ws.mla, (raw) => {
      raw.method = 'unimodal';
      delete raw.mla;
      (raw.training as Record<string, unknown>).epochs = 4;
    });
  });

  it('learns every modality alone, the strong one best, and fuses them above the strong one alone', async () => {
    const outcome = await train(config, 0, tempDir('unimodal'));
    assert.equal(outcome.state, 'completed');
    const records = epochRecords(outcome.runDir);
    assert.equal(records.length, 4);
    const last = records[records.length - 1];
    const acc = last.test.unimodal;
    // Five classes: chance is 20 %; seed 0 reaches 71.3, 63.3 and 67.3 % alone and 87 % fused, since only
    // the weak modality tells class3 from class4.
    assert.ok(acc.strong > 0.65, `strong alone ${acc.strong}`);
    assert.ok(acc.medium > 0.55, `medium alone ${acc.medium}`);
    assert.ok(acc.weak > 0.55, `weak alone ${acc.weak}`);
    assert.ok(acc.strong > acc.medium && acc.strong > acc.weak, JSON.stringify(acc));
    assert.ok(last.test.fused > 0.8, `fused ${last.test.fused}`);
    assert.ok(last.test.fused >= acc.strong, `fused ${last.test.fused} below strong alone ${acc.strong}`);
    assert.equal(last.train.fusedAcc, null);
    assert.deepEqual(last.fusionWeights, {});
  });

  it('keeps the tensor count flat across epochs', async () => {
    const counts: number[] = [];
    const run = await train(config, 1, tempDir('unimodal-tensors'), {
      shouldStop: () => false,
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(run.state, 'completed');
    assert.equal(counts.length, 4);
    assert.deepEqual(
      counts,
      counts.map(() => counts[0]),
      `tensor counts per epoch: ${counts}`,
    );
  });
});
