// A conv2d encoder trained on wasm, where the convolutions run as products of the strided SIMD gemm: the same
// seed gives the same bits, and 2 + 1 epochs resumed from the checkpoint equal 3 straight.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import { resumeRun } from '../../src/core/train/runner';
import {
  backend,
  convWorkspace,
  epochRecords,
  loadConfig,
  tempDir,
  timeless,
  train,
} from '../support/training';

let conv: ResolvedConfig;

before(async () => {
  conv = await loadConfig(await convWorkspace('conv-resume'));
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
