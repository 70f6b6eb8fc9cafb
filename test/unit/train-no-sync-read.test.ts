// The training loop makes no synchronous read: MLA with HGM (replace and add), the joint baseline, evaluation,
// checkpoints, fusion records and a stop with its resume all run on a backend whose `readSync` throws (the
// cpu backend under another name, as webgpu has no synchronous read and no fast-path host), and give the
// plain cpu backend's numbers. On cpu the ReLU MLPs take the fast path and HGM its float64 update over the
// backend's memory; the tanh ones take autodiff with that same update. The backend without reads takes
// autodiff and the projector update as float32 tensor ops.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { BackendSelection } from '../../src/core/backend/types';
import type { HgmMode, ResolvedConfig } from '../../src/core/config/types';
import { listCheckpoints, loadCheckpoint } from '../../src/core/runs/checkpoint';
import type { EpochRecord } from '../../src/core/runs/types';
import { resumeRun, startRun, type RunOutcome } from '../../src/core/train/runner';
import type { TrainerHooks } from '../../src/core/train/session';
import { ASYNC_ONLY_BACKEND, useAsyncOnlyBackend } from '../support/async-only-backend';
import { epochRecords, exampleWorkspace, loadConfig, NEVER_STOP, tempDir } from '../support/training';

const TOL = 1e-6;
const EPOCHS = 2;

let mla: ResolvedConfig;
let joint: ResolvedConfig;
const runs = tempDir('no-sync-read');

/** The backend as the run records it: the cpu backend's name, since that is whose kernels run. */
const SELECTION: BackendSelection = { name: 'cpu', tried: [{ name: 'cpu', ok: true, reason: 'test' }] };

before(async () => {
  const ws = await exampleWorkspace();
  const epochs = (raw: Record<string, unknown>) => {
    (raw.training as Record<string, unknown>).epochs = EPOCHS;
  };
  mla = await loadConfig(ws.mla, epochs);
  joint = await loadConfig(ws.joint, epochs);
  await tf.setBackend('cpu');
});

after(async () => {
  await tf.setBackend('cpu');
  fs.rmSync(runs, { recursive: true, force: true });
});

function withHgm(config: ResolvedConfig, mode: HgmMode): ResolvedConfig {
  return { ...config, mla: { ...config.mla, hgm: { ...config.mla.hgm, mode } } };
}

/** Every encoder with tanh: no fast path on any backend, so cpu's HGM is the float64 update in autodiff. */
function withTanh(config: ResolvedConfig): ResolvedConfig {
  const encoders = Object.fromEntries(
    Object.entries(config.model.encoders).map(([name, e]) => [name, { ...e, activation: 'tanh' }]),
  ) as ResolvedConfig['model']['encoders'];
  return { ...config, model: { ...config.model, encoders } };
}

async function trainOn(
  backend: string,
  config: ResolvedConfig,
  hooks: TrainerHooks = NEVER_STOP,
): Promise<RunOutcome> {
  if (backend === ASYNC_ONLY_BACKEND) await useAsyncOnlyBackend();
  else await tf.setBackend(backend);
  const outcome = await startRun({
    config,
    configFile: path.join(runs, 'test.mla.json'),
    seed: 3,
    runsDir: runs,
    backend: SELECTION,
    hooks,
  });
  assert.equal(outcome.state, hooks === NEVER_STOP ? 'completed' : 'stopped', outcome.error);
  return outcome;
}

/** The numbers of an epoch record, by a path that names them. */
function numbersOf(r: EpochRecord): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'number') out.set(at, v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}/${k}`);
  };
  const { samplesPerSecond: _s, seconds: _t, elapsed: _e, ...rest } = r;
  walk(rest, `epoch ${r.epoch}`);
  return out;
}

/** fusion.jsonl holds 6 significant digits: values within TOL may land one of their steps further apart. */
function sixDigitStep(v: number): number {
  return v === 0 ? 0 : 10 ** (Math.floor(Math.log10(Math.abs(v))) - 5);
}

function assertClose(actual: number, expected: number, what: string, tol = TOL): void {
  const ok = Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) <= tol;
  assert.ok(ok, `${what}: ${actual} against cpu's ${expected}`);
}

async function finalTensors(runDir: string): Promise<Map<string, Float32Array>> {
  const refs = listCheckpoints(runDir);
  const ckpt = await loadCheckpoint(refs[refs.length - 1].dir);
  return new Map(ckpt.tensors.map((t) => [t.name, t.values]));
}

function fusionLines(runDir: string): Record<string, unknown>[] {
  const text = fs.readFileSync(path.join(runDir, 'fusion.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Epoch records, the last checkpoint's tensors (weights, optimizer slots, projector) and fusion records. */
async function assertSameRun(actual: string, expected: string): Promise<void> {
  const [a, e] = [epochRecords(actual), epochRecords(expected)];
  assert.equal(a.length, EPOCHS);
  assert.equal(e.length, EPOCHS);
  e.forEach((r, i) => {
    const got = numbersOf(a[i]);
    const want = numbersOf(r);
    assert.deepEqual([...got.keys()], [...want.keys()]);
    for (const [k, v] of want) assertClose(got.get(k)!, v, k);
    assert.equal(a[i].best, r.best, `epoch ${r.epoch}: best`);
  });
  const [ta, te] = await Promise.all([finalTensors(actual), finalTensors(expected)]);
  assert.deepEqual([...ta.keys()], [...te.keys()]);
  for (const [name, values] of te) {
    const got = ta.get(name)!;
    assert.equal(got.length, values.length);
    for (let i = 0; i < values.length; i++) assertClose(got[i], values[i], `checkpoint ${name}[${i}]`);
  }
  const [fa, fe] = [fusionLines(actual), fusionLines(expected)];
  assert.equal(fa.length, fe.length);
  fe.forEach((line, i) => {
    assert.equal(fa[i].predicted, line.predicted, `fusion record ${i}: prediction`);
    for (const field of ['weights', 'entropy'] as const) {
      const [got, want] = [fa[i][field], line[field]] as Record<string, number>[];
      assert.deepEqual(Object.keys(got), Object.keys(want));
      for (const [m, w] of Object.entries(want)) {
        assertClose(got[m], w, `fusion record ${i}: ${field} of ${m}`, TOL + sixDigitStep(w) + 1e-12);
      }
    }
  });
}

describe('training without a synchronous read', () => {
  it('the test backend refuses synchronous reads and answers asynchronous ones', async () => {
    await useAsyncOnlyBackend();
    const t = tf.tensor1d([1, 2, 3]);
    assert.throws(() => t.dataSync(), /a synchronous read/);
    assert.throws(() => t.arraySync(), /a synchronous read/);
    assert.throws(() => t.bufferSync(), /a synchronous read/);
    assert.deepEqual(Array.from(await tf.mul(t, 2).data()), [2, 4, 6]);
    t.dispose();
  });

  const cases: [string, () => ResolvedConfig][] = [
    ['MLA, HGM replace, fast-path MLPs on cpu', () => withHgm(mla, 'replace')],
    ['MLA, HGM add, fast-path MLPs on cpu', () => withHgm(mla, 'add')],
    ['MLA, HGM replace, tanh MLPs (autodiff on both)', () => withTanh(withHgm(mla, 'replace'))],
    ['MLA, HGM add, tanh MLPs (autodiff on both)', () => withTanh(withHgm(mla, 'add'))],
    ['joint', () => joint],
  ];
  for (const [name, config] of cases) {
    it(`${name}: trains, evaluates and checkpoints as on cpu`, async () => {
      const cpu = await trainOn('cpu', config());
      const asyncOnly = await trainOn(ASYNC_ONLY_BACKEND, config());
      await assertSameRun(asyncOnly.runDir, cpu.runDir);
    });
  }

  it('stops mid-epoch and resumes, reading only asynchronously, exactly as it would have gone on', async () => {
    const config = withHgm(mla, 'add');
    const straight = await trainOn(ASYNC_ONLY_BACKEND, config);
    let batches = 0;
    const stopped = await trainOn(ASYNC_ONLY_BACKEND, config, {
      shouldStop: () => batches >= 20,
      onBatch: () => {
        batches++;
      },
    });
    const resumed = await resumeRun({ runDir: stopped.runDir, backend: SELECTION, hooks: NEVER_STOP });
    assert.equal(resumed.state, 'completed', resumed.error);
    assert.equal(tf.getBackend(), ASYNC_ONLY_BACKEND);
    assert.deepEqual(
      epochRecords(resumed.runDir).map(numbersOf),
      epochRecords(straight.runDir).map(numbersOf),
    );
    assert.deepEqual(await finalTensors(resumed.runDir), await finalTensors(straight.runDir));
  });
});
