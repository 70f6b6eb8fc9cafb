// `auto` decides by measuring: every candidate that loads is timed on the run's model and the fastest per step
// wins, with the figures recorded per backend; a backend whose step fails is not chosen; cpu is the last resort.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { AUTO_CANDIDATES, selectBackend } from '../../src/core/backend/select';
import type { AttemptResult } from '../../src/core/backend/types';
import type { BackendName, ResolvedConfig } from '../../src/core/config/types';
import { trainingMethodNames } from '../../src/core/methods';
import { validateConfig } from '../../src/core/config/validate';
import { writeExampleProject } from '../../src/core/data/exampleProject';
import { loadRunDataset } from '../../src/core/train/runner';
import { probeShapes, stepMeasureFor, timeSteps } from '../../src/core/train/step-probe';

/** Loaders that succeed for `available` (recording each call) and fail for the rest with a named reason. */
function loaders(available: BackendName[], calls: BackendName[] = []) {
  return async (name: BackendName): Promise<AttemptResult> => {
    calls.push(name);
    if (!available.includes(name)) return { ok: false, reason: `${name} is absent here` };
    return name === 'webgpu'
      ? { ok: true, reason: 'Dawn on GPU', adapter: 'nvidia · hopper · NVIDIA H100' }
      : { ok: true, reason: `${name} loaded` };
  };
}

test('auto times each backend that loads and takes the fastest per step, recording every figure', async () => {
  const budgets: number[] = [];
  const msPerStep: Partial<Record<BackendName, number>> = { webgpu: 0.75, wasm: 4.5 };
  const selection = await selectBackend('auto', {
    load: loaders(['webgpu', 'wasm', 'cpu']),
    measure: async (name, budgetMs) => {
      budgets.push(budgetMs);
      return msPerStep[name]!;
    },
    budgetMs: 1000,
  });
  assert.equal(selection.name, 'webgpu');
  assert.deepEqual(
    selection.tried.map((t) => [t.name, t.ok, t.msPerStep]),
    [
      ['tensorflow-gpu', false, undefined],
      ['tensorflow', false, undefined],
      ['webgpu', true, 0.75],
      ['wasm', true, 4.5],
    ],
  );
  assert.equal(selection.tried[2].adapter, 'nvidia · hopper · NVIDIA H100');
  assert.equal(selection.tried[2].reason, 'Dawn on GPU; fastest for this model');
  assert.equal(selection.tried[3].reason, 'wasm loaded; slower than webgpu for this model');
  // The budget is shared by the two that loaded.
  assert.deepEqual(budgets, [500, 500]);
});

test('for a small model where the GPU step costs more, auto keeps wasm', async () => {
  const selection = await selectBackend('auto', {
    load: loaders(['webgpu', 'wasm']),
    measure: async (name) => (name === 'webgpu' ? 6.2 : 1.3),
  });
  assert.equal(selection.name, 'wasm');
  assert.equal(selection.tried.find((t) => t.name === 'webgpu')!.msPerStep, 6.2);
});

test('the backend to time is made active again before it is timed, and the winner last', async () => {
  const calls: BackendName[] = [];
  const active: BackendName[] = [];
  let current: BackendName | null = null;
  const load = loaders(['webgpu', 'wasm'], calls);
  await selectBackend('auto', {
    load: async (name) => {
      const r = await load(name);
      if (r.ok) current = name;
      return r;
    },
    measure: async (name) => {
      active.push(current!);
      return name === 'webgpu' ? 2 : 3;
    },
  });
  assert.deepEqual(active, ['webgpu', 'wasm']);
  assert.deepEqual(calls, [...AUTO_CANDIDATES, 'webgpu', 'wasm', 'webgpu']);
  assert.equal(current, 'webgpu');
});

test('a backend whose training step fails is not chosen, and the reason says so', async () => {
  const selection = await selectBackend('auto', {
    load: loaders(['webgpu', 'wasm']),
    measure: async (name) => {
      if (name === 'webgpu') throw new Error('OffscreenCanvas is not defined\n    at readSync');
      return 9;
    },
  });
  assert.equal(selection.name, 'wasm');
  const webgpu = selection.tried.find((t) => t.name === 'webgpu')!;
  assert.equal(webgpu.ok, false);
  assert.equal(
    webgpu.reason,
    'loaded, but a training step failed there: OffscreenCanvas is not defined (Dawn on GPU)',
  );
});

test('with nothing measurable auto falls back to cpu, unmeasured', async () => {
  const selection = await selectBackend('auto', {
    load: loaders(['cpu']),
    measure: async () => assert.fail('nothing loaded, nothing to time'),
  });
  assert.equal(selection.name, 'cpu');
  assert.deepEqual(
    selection.tried.map((t) => [t.name, t.ok]),
    [...AUTO_CANDIDATES.map((n) => [n, false]), ['cpu', true]],
  );
  await assert.rejects(
    selectBackend('auto', { load: loaders([]), measure: async () => 1 }),
    /^Error: No backend could be loaded: tensorflow-gpu: tensorflow-gpu is absent here;/,
  );
});

test('without a measurement auto takes the first that loads and never webgpu', async () => {
  const calls: BackendName[] = [];
  const selection = await selectBackend('auto', { load: loaders(['webgpu', 'wasm'], calls) });
  assert.equal(selection.name, 'wasm');
  assert.deepEqual(calls, ['tensorflow-gpu', 'tensorflow', 'wasm']);
});

test('timeSteps leaves the warm-up steps out and returns the median timed step', async () => {
  // Steps cost 400, 300 (warm-up: shader compiles), then 10, 30, 20, 10, 50 ms on a fake clock.
  const costs = [400, 300, 10, 30, 20, 10, 50];
  let clock = 0;
  let steps = 0;
  const ms = await timeSteps(
    async () => {
      clock += costs[steps++];
    },
    810,
    () => clock,
  );
  // The budget (810 ms from the start) ends after the fifth timed step: 10, 30, 20, 10, 50 → median 20.
  assert.equal(steps, 7);
  assert.equal(ms, 20);
  // A budget spent by the first warm-up step still runs the second (shaders may still compile there) and
  // times one step.
  clock = 0;
  steps = 0;
  assert.equal(
    await timeSteps(
      async () => void (clock += costs[steps++]),
      100,
      () => clock,
    ),
    10,
  );
  assert.equal(steps, 3);
});

test('the step probe trains the run’s own model: a real figure on wasm and cpu, the model left disposed', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mla-probe-'));
  try {
    const project = await writeExampleProject(dir, null);
    const file = project.configs[0];
    const config = (await validateConfig(readFileSync(file, 'utf8'), file)).config as ResolvedConfig;
    const shapes = probeShapes(config, await loadRunDataset(config));
    assert.deepEqual(
      shapes.modalities.map((m) => m.sampleShape.length),
      config.mla.order.map(() => 1),
    );
    assert.equal(shapes.batch, config.training.batchSize);
    const measure = stepMeasureFor(config, shapes);
    for (const backend of ['wasm', 'cpu'] as const) {
      await selectBackend(backend);
      const before = tf.memory().numTensors;
      const ms = await measure(backend, 200);
      assert.ok(Number.isFinite(ms) && ms > 0, `${backend}: ${ms} ms/step`);
      assert.equal(tf.memory().numTensors, before, `${backend}: the probe leaves no tensor behind`);
    }
    await selectBackend('wasm');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the step probe trains with every method’s own step and head, leaving no tensor behind', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mla-probe-methods-'));
  try {
    const project = await writeExampleProject(dir, null);
    const file = project.configs[0];
    const base = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    await selectBackend('wasm');
    for (const method of trainingMethodNames()) {
      const text = JSON.stringify({ ...base, method });
      const config = (await validateConfig(text, file)).config as ResolvedConfig;
      assert.equal(config.method, method);
      const measure = stepMeasureFor(config, probeShapes(config, await loadRunDataset(config)));
      const before = tf.memory().numTensors;
      const ms = await measure('wasm', 50);
      assert.ok(Number.isFinite(ms) && ms > 0, `${method}: ${ms} ms/step`);
      assert.equal(tf.memory().numTensors, before, `${method}: the probe leaves no tensor behind`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
