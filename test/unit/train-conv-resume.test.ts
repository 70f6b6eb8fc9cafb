// A conv2d encoder trained on wasm, where the convolutions run as products of the strided SIMD gemm: the same
// seed gives the same bits, and 2 + 1 epochs resumed from the checkpoint equal 3 straight.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import { generateGridDataset, writeGeneratedDataset } from '../../src/core/data/synthetic';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import { resumeRun } from '../../src/core/train/runner';
import { backend, epochRecords, loadConfig, tempDir, timeless, train } from '../support/training';

let conv: ResolvedConfig;

before(async () => {
  const dir = tempDir('conv-data');
  const dataset = await writeGeneratedDataset(dir, generateGridDataset({ seed: 0, samples: 120 }));
  const file = path.join(dir, 'conv.mla.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      name: 'conv-resume',
      dataset,
      method: 'mla',
      model: {
        featureDim: 16,
        encoders: {
          default: { type: 'mlp', hidden: [8] },
          image: { type: 'conv2d', channels: [4, 8], kernelSize: 3, dropout: 0 },
        },
      },
      mla: { order: ['image', 'vector'] },
      training: { epochs: 3, batchSize: 32, optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 } },
      seeds: [0],
    }),
  );
  conv = await loadConfig(file);
});

async function finalWeights(runDir: string): Promise<Map<string, Float32Array>> {
  const refs = listCheckpoints(runDir);
  const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
  return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
}

it('trains a conv2d encoder deterministically on wasm and resumes it exactly', async () => {
  assert.equal((await backend()).name, 'wasm');
  const runs = tempDir('conv-resume');
  const straight = await train(conv, 4, runs);
  const again = await train(conv, 4, runs);
  assert.equal(straight.state, 'completed');
  assert.deepEqual(epochRecords(again.runDir).map(timeless), epochRecords(straight.runDir).map(timeless));
  const weights = await finalWeights(straight.runDir);
  assert.ok(
    [...weights.keys()].some((name) => name.includes('conv1/kernel')),
    'the conv kernels are saved',
  );
  assert.deepEqual(await finalWeights(again.runDir), weights);

  const half = await train({ ...conv, training: { ...conv.training, epochs: 2 } }, 4, runs);
  const resumed = await resumeRun({
    runDir: half.runDir,
    backend: await backend(),
    hooks: { shouldStop: () => false },
    epochs: 3,
  });
  assert.equal(resumed.state, 'completed');
  const plan = (r: ReturnType<typeof timeless>) => ({ ...r, epochs: 0 });
  assert.deepEqual(
    epochRecords(resumed.runDir).map(timeless).map(plan),
    epochRecords(straight.runDir).map(timeless).map(plan),
  );
  assert.deepEqual(await finalWeights(resumed.runDir), weights);
});
