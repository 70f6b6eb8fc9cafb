// The training loop for real, on the generated example: determinism, exact resume (after whole epochs and
// after a stop in the middle of one), a flat tensor count, and the run folder it leaves behind.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../src/core/config/types';
import { loadCheckpoint, listCheckpoints } from '../../src/core/runs/checkpoint';
import { readRun } from '../../src/core/runs/reader';
import type { FusionRecord, RunStatus, RunSummary } from '../../src/core/runs/types';
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

let mla: ResolvedConfig;
let joint: ResolvedConfig;

before(async () => {
  const ws = await exampleWorkspace();
  mla = await loadConfig(ws.mla, (raw) => {
    (raw.training as Record<string, unknown>).epochs = 4;
  });
  joint = await loadConfig(ws.joint, (raw) => {
    (raw.training as Record<string, unknown>).epochs = 3;
  });
});

function withEpochs(config: ResolvedConfig, epochs: number): ResolvedConfig {
  return { ...config, training: { ...config.training, epochs } };
}

async function finalWeights(runDir: string): Promise<Map<string, Float32Array>> {
  const refs = listCheckpoints(runDir);
  const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
  return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

describe('training session', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const runs = tempDir('det');
    const a = await train(withEpochs(mla, 2), 7, runs);
    const b = await train(withEpochs(mla, 2), 7, runs);
    const c = await train(withEpochs(mla, 2), 8, runs);
    assert.equal(a.state, 'completed');
    const ra = epochRecords(a.runDir).map(timeless);
    assert.equal(ra.length, 2);
    assert.deepEqual(epochRecords(b.runDir).map(timeless), ra);
    assert.notDeepEqual(epochRecords(c.runDir).map(timeless), ra);
    assert.ok(ra[1].test.fused > 0.8, `fused test accuracy after 2 epochs: ${ra[1].test.fused}`);
  });

  it('resumes after whole epochs exactly: 2 + 2 epochs equal 4', async () => {
    const runs = tempDir('resume');
    const straight = await train(mla, 3, runs);
    const half = await train(withEpochs(mla, 2), 3, runs);
    assert.equal(epochRecords(half.runDir).length, 2);
    const resumed = await resumeRun({
      runDir: half.runDir,
      backend: await backend(),
      hooks: { shouldStop: () => false },
      epochs: 4,
    });
    assert.equal(resumed.state, 'completed');
    // The first two records were written by a 2-epoch session: only their planned epoch count differs.
    const plan = (r: ReturnType<typeof timeless>) => ({ ...r, epochs: 0 });
    assert.deepEqual(
      epochRecords(resumed.runDir).map(timeless).map(plan),
      epochRecords(straight.runDir).map(timeless).map(plan),
    );
    assert.deepEqual(
      epochRecords(resumed.runDir).map((r) => r.epochs),
      [2, 2, 4, 4],
    );
    assert.deepEqual(await finalWeights(resumed.runDir), await finalWeights(straight.runDir));
  });

  it('stops mid-epoch with a checkpoint, and resuming continues exactly', async () => {
    const runs = tempDir('stop');
    const straight = await train(mla, 5, runs);
    let batches = 0;
    const stopped = await train(mla, 5, runs, {
      shouldStop: () => batches >= 25,
      onBatch: () => {
        batches++;
      },
    });
    assert.equal(stopped.state, 'stopped');
    const status = readJson<RunStatus>(path.join(stopped.runDir, 'status.json'));
    assert.equal(status.state, 'stopped');
    assert.equal(readJson<RunSummary>(path.join(stopped.runDir, 'summary.json')).state, 'stopped');
    const refs = listCheckpoints(stopped.runDir);
    const partial = await loadCheckpoint(refs[refs.length - 1].dir);
    // 1200 training samples minus 120 for validation: 17 batches of 64 an epoch; 25 batches = epoch 2, batch 9.
    assert.deepEqual(
      { label: partial.epoch, done: (partial.extra as { epochsDone: number }).epochsDone },
      { label: 2, done: 1 },
    );
    assert.ok((partial.extra as { nextBatch: number }).nextBatch > 0);
    const resumed = await resumeRun({
      runDir: stopped.runDir,
      backend: await backend(),
      hooks: { shouldStop: () => false },
    });
    assert.equal(resumed.state, 'completed');
    assert.deepEqual(epochRecords(resumed.runDir).map(timeless), epochRecords(straight.runDir).map(timeless));
    assert.deepEqual(await finalWeights(resumed.runDir), await finalWeights(straight.runDir));
    assert.equal(readJson<RunStatus>(path.join(resumed.runDir, 'status.json')).state, 'completed');
  });

  it('sees a stop signal that arrives during a batch before the next batch starts', async () => {
    // The training thread is busy from batch to batch; a signal is only handled in a turn of the event loop.
    let requested = false;
    const onSignal = () => {
      requested = true;
    };
    process.on('SIGUSR2', onSignal);
    try {
      let batches = 0;
      const stopped = await train(mla, 5, tempDir('signal'), {
        shouldStop: () => requested,
        onBatch: () => {
          if (++batches === 3) process.kill(process.pid, 'SIGUSR2');
        },
      });
      assert.equal(stopped.state, 'stopped');
      const refs = listCheckpoints(stopped.runDir);
      const extra = (await loadCheckpoint(refs[refs.length - 1].dir)).extra as {
        epochsDone: number;
        nextBatch: number;
      };
      assert.deepEqual(
        { epochsDone: extra.epochsDone, nextBatch: extra.nextBatch },
        { epochsDone: 0, nextBatch: 3 },
      );
      assert.equal(batches, 3);
    } finally {
      process.off('SIGUSR2', onSignal);
    }
  });

  it('keeps the tensor count flat across epochs', async () => {
    const counts: number[] = [];
    const run = await train(withEpochs(mla, 4), 1, tempDir('tensors'), {
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

  it('writes a complete run folder that the reader understands', async () => {
    const run = await train(withEpochs(mla, 2), 0, tempDir('folder'));
    const info = await readRun(run.runDir);
    assert.ok(!info.error, info.error ?? '');
    assert.equal(info.seed, 0);
    assert.equal(info.name, 'example-mla');
    assert.equal(info.status?.state, 'completed');
    const summary = readJson<RunSummary>(path.join(run.runDir, 'summary.json'));
    const records = epochRecords(run.runDir);
    const best = records.find((r) => r.epoch === summary.bestEpoch)!;
    assert.equal(summary.test.fused, best.test.fused);
    assert.deepEqual(Object.keys(summary.test.unimodal), ['strong', 'medium', 'weak']);
    const config = readJson<{ run: { backend: string; seed: number; backendsTried: unknown[] } }>(
      path.join(run.runDir, 'config.json'),
    );
    assert.equal(config.run.backend, 'wasm');
    assert.ok(config.run.backendsTried.length >= 1);
    assert.match(fs.readFileSync(path.join(run.runDir, 'log.txt'), 'utf8'), /backend in use: wasm/);
    const fusion = fs
      .readFileSync(path.join(run.runDir, 'fusion.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FusionRecord);
    assert.equal(fusion.length, 300);
    const accuracy = fusion.filter((r) => r.correct).length / fusion.length;
    assert.ok(
      Math.abs(accuracy - best.test.fused) < 1e-9,
      `fusion.jsonl accuracy ${accuracy} vs ${best.test.fused}`,
    );
    for (const r of fusion.slice(0, 20)) {
      const w = Object.values(r.weights).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(w - 1) < 1e-4, `weights sum to ${w}`);
      assert.equal(r.prediction, r.fused.indexOf(Math.max(...r.fused)));
    }
  });

  it('trains the joint baseline and reports unimodal read-outs', async () => {
    const run = await train(joint, 0, tempDir('joint'));
    assert.equal(run.state, 'completed');
    const last = epochRecords(run.runDir).at(-1)!;
    assert.ok(last.train.fusedAcc !== null && last.train.fusedAcc > 0.8);
    assert.deepEqual(last.fusionWeights, {});
    assert.ok(last.test.unimodal.strong > last.test.unimodal.weak);
  });

  it('handles missing modalities: absent samples get no fusion weight', async () => {
    const config = {
      ...withEpochs(mla, 2),
      preprocess: { ...mla.preprocess, missingRate: { train: 0.3, test: 0.3 } },
    };
    const run = await train(config, 0, tempDir('missing'));
    assert.equal(run.state, 'completed');
    const fusion = fs
      .readFileSync(path.join(run.runDir, 'fusion.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FusionRecord);
    const lacking = fusion.filter((r) => Object.keys(r.probs).length < 3);
    assert.ok(lacking.length > 50, `${lacking.length} test samples lack a modality`);
    for (const r of lacking) {
      assert.ok(Object.keys(r.probs).length >= 1);
      assert.deepEqual(Object.keys(r.weights).sort(), Object.keys(r.probs).sort());
    }
  });

  it('marks the run failed with the data error when the dataset breaks', async () => {
    const ws = await exampleWorkspace();
    const config = await loadConfig(ws.mla);
    fs.writeFileSync(path.join(ws.dir, 'data', 'weak.npy'), Buffer.from('not an npy file'));
    const run = await train(config, 0, tempDir('fail'));
    assert.equal(run.state, 'failed');
    const status = readJson<RunStatus>(path.join(run.runDir, 'status.json'));
    assert.equal(status.state, 'failed');
    assert.match(status.error ?? '', /weak\.npy/);
    assert.doesNotMatch(status.error ?? '', /\n\s+at /);
  });
});
