// A backend fault that arrives between kernels (a GPU device lost, out of memory) ends the run `failed` with
// that one-line reason at the next batch, leaving the finished epochs and their checkpoint, and the run resumes
// on another backend. The fault is raised here through the same call the webgpu backend's device watch makes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { clearBackendFault, reportBackendFault } from '../../src/core/backend/fault';
import { deviceLostReason, uncapturedErrorReason } from '../../src/core/backend/webgpu';
import { listCheckpoints } from '../../src/core/runs/checkpoint';
import type { RunStatus } from '../../src/core/runs/types';
import { resumeRun } from '../../src/core/train/runner';
import { backend, epochRecords, exampleWorkspace, loadConfig, tempDir, train } from '../support/training';

const ADAPTER = 'nvidia · ada · NVIDIA L4';

test('the reasons name the adapter and what happened, on one line', () => {
  assert.equal(
    deviceLostReason(ADAPTER, {
      reason: 'unknown',
      message: 'Device lost: VK_ERROR_DEVICE_LOST\n  at Queue',
    }),
    'the GPU device was lost (nvidia · ada · NVIDIA L4): unknown: Device lost: VK_ERROR_DEVICE_LOST',
  );
  class GPUOutOfMemoryError extends Error {}
  assert.equal(
    uncapturedErrorReason(ADAPTER, new GPUOutOfMemoryError('Allocation failed')),
    'the GPU ran out of memory (nvidia · ada · NVIDIA L4): Allocation failed',
  );
  assert.equal(
    uncapturedErrorReason(ADAPTER, { message: 'vkAllocateMemory: out of memory' }),
    'the GPU ran out of memory (nvidia · ada · NVIDIA L4): vkAllocateMemory: out of memory',
  );
  assert.equal(
    uncapturedErrorReason(ADAPTER, { message: 'Invalid BindGroup' }),
    'the GPU reported an error (nvidia · ada · NVIDIA L4): Invalid BindGroup',
  );
});

test('a fault after epoch 1 fails the run with its reason, keeps epoch 1 and its checkpoint, and resume completes', async () => {
  const ws = await exampleWorkspace();
  const config = await loadConfig(ws.mla, (raw) => {
    (raw.training as Record<string, unknown>).epochs = 3;
  });
  const runs = tempDir('fault');
  const reason = deviceLostReason(ADAPTER, { reason: 'unknown', message: 'VK_ERROR_DEVICE_LOST' });
  try {
    const outcome = await train(config, 4, runs, {
      shouldStop: () => false,
      onEpoch: (r) => {
        if (r.epoch === 1) reportBackendFault(reason);
      },
    });
    assert.equal(outcome.state, 'failed');
    assert.equal(outcome.error, reason);
    const status = JSON.parse(fs.readFileSync(path.join(outcome.runDir, 'status.json'), 'utf8')) as RunStatus;
    assert.equal(status.state, 'failed');
    assert.equal(status.error, reason);
    assert.deepEqual(
      epochRecords(outcome.runDir).map((r) => r.epoch),
      [1],
    );
    assert.deepEqual(
      listCheckpoints(outcome.runDir).map((c) => c.epoch),
      [1],
    );
    const log = fs.readFileSync(path.join(outcome.runDir, 'log.txt'), 'utf8');
    assert.ok(log.includes(`failed: ${reason}\n`), log);
    assert.ok(!log.includes('    at '), 'no stack trace for a fault');

    clearBackendFault();
    const resumed = await resumeRun({
      runDir: outcome.runDir,
      backend: await backend('wasm'),
      hooks: { shouldStop: () => false },
    });
    assert.equal(resumed.state, 'completed');
    assert.deepEqual(
      epochRecords(outcome.runDir).map((r) => r.epoch),
      [1, 2, 3],
    );
  } finally {
    clearBackendFault();
  }
});
