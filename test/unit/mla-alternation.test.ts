// MLA's alternation order (mla.alternation): the sequence of modality steps a batch takes per epoch for each
// variant, read from what the trainer steps; that the order changes the weights; and a run with the random
// order stopped mid-epoch and resumed equal to an uninterrupted one.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { AlternationOrder, ResolvedConfig } from '../../src/core/config/types';
import { loadDatasetFile } from '../../src/core/data/manifest';
import type { Dataset } from '../../src/core/data/types';
import { alternationSequence, mla } from '../../src/core/methods/mla';
import { createOptimizer } from '../../src/core/optim/optimizer';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import { RowGatherer } from '../../src/core/train/batches';
import { Network } from '../../src/core/train/network';
import { prepareData } from '../../src/core/train/prepare';
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

const ORDER = ['strong', 'medium', 'weak'];
const EPOCHS = 6;

let example = '';
let dataset: Dataset;

async function configWith(alternation: AlternationOrder, epochs = 2): Promise<ResolvedConfig> {
  return loadConfig(example, (raw) => {
    (raw.mla as Record<string, unknown>).alternation = alternation;
    (raw.training as Record<string, unknown>).epochs = epochs;
  });
}

/** Per epoch, the modalities in the order one batch of that epoch stepped them; and the weights after. */
async function stepped(
  alternation: AlternationOrder,
  seed: number,
): Promise<{ sequences: string[][]; weights: Float32Array }> {
  const config = await configWith(alternation);
  const data = prepareData(dataset, config, seed);
  const net = Network.build(config, data.modalities, data.classes.length, seed);
  const optimizer = createOptimizer(config.training.optimizer);
  const gatherers = data.modalities.map((m) => new RowGatherer(m));
  const trainer = mla.trainer({ config, seed, data, net, optimizer, gatherers });
  const sequences: string[][] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const rows = data.train.subarray(epoch * 16, (epoch + 1) * 16);
    const figures = trainer.trainBatch({ epoch, rows, batch: 0, batches: 1, lr: 0.01, seed: 1 });
    sequences.push(figures.map((f) => f.key));
    tf.dispose(figures.flatMap((f) => [f.lossSum, f.correct]).filter((t) => typeof t !== 'number'));
  }
  const weights = Float32Array.from(net.head.kernel.variable.dataSync());
  trainer.dispose();
  net.dispose();
  optimizer.dispose();
  return { sequences, weights };
}

describe('MLA alternation order', () => {
  before(async () => {
    await backend();
    const ws = await exampleWorkspace();
    example = ws.mla;
    const config = await configWith('fixed');
    dataset = await loadDatasetFile(config.dataset!);
  });

  it('fixed steps mla.order in every epoch; reversed steps it backwards', async () => {
    const fixed = await stepped('fixed', 0);
    assert.deepEqual(
      fixed.sequences,
      Array.from({ length: EPOCHS }, () => ORDER),
    );
    const reversed = await stepped('reversed', 0);
    assert.deepEqual(
      reversed.sequences,
      Array.from({ length: EPOCHS }, () => [...ORDER].reverse()),
    );
    assert.notDeepEqual(reversed.weights, fixed.weights, 'the order changes what the shared head learns');
  });

  it('random draws a permutation per epoch from the seed and the epoch', async () => {
    const a = await stepped('random', 0);
    for (const s of a.sequences) assert.deepEqual([...s].sort(), [...ORDER].sort(), `a permutation: ${s}`);
    const distinct = new Set(a.sequences.map((s) => s.join(',')));
    assert.ok(distinct.size >= 2, `the order changes across ${EPOCHS} epochs: ${[...distinct]}`);
    a.sequences.forEach((s, epoch) =>
      assert.deepEqual(
        s,
        alternationSequence('random', ORDER.length, 0, epoch).map((k) => ORDER[k]),
      ),
    );
    const again = await stepped('random', 0);
    assert.deepEqual(again.sequences, a.sequences, 'the same seed walks the same orders');
    assert.deepEqual(again.weights, a.weights);
    const other = await stepped('random', 1);
    assert.notDeepEqual(other.sequences, a.sequences, 'another seed walks other orders');
  });

  it('a run folder without the option (recorded before it existed) walks the fixed order', () => {
    assert.deepEqual(alternationSequence(undefined, 3, 5, 2), [0, 1, 2]);
  });

  it('random: stopped mid-epoch and resumed equals an uninterrupted run', async () => {
    const config = await configWith('random', 3);
    const runs = tempDir('alternation-stop');
    const straight = await train(config, 2, runs);
    let batches = 0;
    let perEpoch = 0;
    const stopped = await train(config, 2, runs, {
      shouldStop: () => batches >= perEpoch + 7,
      onBatch: (p) => {
        batches++;
        perEpoch = p.batches;
      },
    });
    assert.equal(stopped.state, 'stopped');
    const resumed = await resumeRun({
      runDir: stopped.runDir,
      backend: await backend(),
      hooks: { shouldStop: () => false },
    });
    assert.equal(resumed.state, 'completed');
    assert.deepEqual(epochRecords(resumed.runDir).map(timeless), epochRecords(straight.runDir).map(timeless));
    const last = async (dir: string) => {
      const refs = listCheckpoints(dir);
      const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
      return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
    };
    assert.deepEqual(await last(resumed.runDir), await last(straight.runDir));
  });
});
