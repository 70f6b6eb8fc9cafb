// One benchmark measurement in its own process (so every figure starts from a fresh heap and backend):
//   train   — trains a config for N epochs through the same runner as `mla train`, and reports per epoch the
//             train-loop seconds, the wall time between epoch ends, resident memory and the tensor count;
//             with --profile it also times every kernel and the trainer's own steps (see kernel-timer.ts).
//   matmul  — GFLOP/s of a 1024² float32 matmul on the backend.
//   step    — ms per training step of the config's model, as `auto` times it (train/step-probe.ts).
// Prints one line `BENCH_RESULT <json>` on stdout.
//   node --import tsx scripts/bench/worker.ts train --config F --backend wasm --epochs 4 [--seed 0] [--threads N] [--profile]
//   node --import tsx scripts/bench/worker.ts matmul --backend wasm
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/backend/select';
import { setWasmThreads } from '../../src/core/backend/threads';
import type { BackendName, ResolvedConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { RunWriter } from '../../src/core/runs/writer';
import { RowGatherer } from '../../src/core/train/batches';
import { loadRunDataset, startRun } from '../../src/core/train/runner';
import { probeShapes, stepMeasureFor } from '../../src/core/train/step-probe';
import { EpochTotals } from '../../src/core/train/totals';
import { trainFlopsPerSample } from './flops';
import { installKernelTimer } from './kernel-timer';

export interface EpochFigures {
  /** Train-loop seconds, as the epoch record has them (evaluation and checkpoint excluded). */
  seconds: number;
  /** Wall seconds from the previous epoch end (or the first batch) to this one: everything included. */
  wall: number;
  samplesPerSecond: number;
  rssMb: number;
  tensors: number;
}

export interface ProfileFigures {
  /** Per epoch after the first, milliseconds. */
  wallMs: number;
  kernelMs: number;
  /** The engine's own work around kernels (tensor bookkeeping, tape). */
  dispatchMs: number;
  /** Trainer code timed directly: batch gathering, on-device totals and their read-back, metrics writing. */
  batchingMs: number;
  totalsMs: number;
  metricsMs: number;
  /** Longest single metrics write, ms: a write that waited on the disk would show here. */
  metricsMaxMs: number;
  top: { name: string; calls: number; ms: number }[];
}

export interface StepResult {
  kind: 'step';
  backend: string;
  adapter: string | null;
  msPerStep: number;
}

export interface TrainResult {
  kind: 'train';
  backend: string;
  epochs: EpochFigures[];
  /** Analytic FLOPs of one epoch's training steps (forward + backward, every modality step). */
  flopsPerEpoch: number;
  profile: ProfileFigures | null;
}

export interface MatmulResult {
  kind: 'matmul';
  backend: string;
  /** The GPU, "vendor · architecture · description" (webgpu). */
  adapter: string | null;
  /** The weights operand reused (XNNPACK packs it once): the kernel's peak. */
  gflopsReused: number;
  /** A new weights operand every call, as in training (packing included). */
  gflopsFresh: number;
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`bench worker: --${name} is required`);
  return fallback;
}

/** Wraps `proto[method]` to add its wall time to `sink`. Benchmark instrumentation only. */
function timeMethod(proto: object, method: string, sink: { ms: number; max: number }): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const inner = target[method];
  target[method] = function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    const done = () => {
      const ms = performance.now() - start;
      sink.ms += ms;
      sink.max = Math.max(sink.max, ms);
    };
    let result: unknown;
    try {
      result = inner.apply(this, args);
    } catch (error) {
      done();
      throw error;
    }
    // An async method (EpochTotals.read) counts until its promise settles.
    if (result instanceof Promise) return result.finally(done);
    done();
    return result;
  };
}

async function loadConfig(configFile: string, epochs: number): Promise<ResolvedConfig> {
  const raw = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { training: { epochs: number } };
  raw.training.epochs = epochs;
  const result = await validateConfig(JSON.stringify(raw), configFile);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.config || errors.length > 0) {
    throw new Error(`${configFile}: ${errors.map((d) => `${d.pointer}: ${d.message}`).join('; ')}`);
  }
  return result.config;
}

async function train(): Promise<TrainResult> {
  const configFile = path.resolve(arg('config'));
  const epochs = Number(arg('epochs', '4'));
  const seed = Number(arg('seed', '0'));
  const profile = process.argv.includes('--profile');
  const config = await loadConfig(configFile, epochs);
  setWasmThreads({ count: Number(arg('threads', '1')), why: 'the benchmark' });
  const backend = await selectBackend(arg('backend') as BackendName);
  const dataset = await loadRunDataset(config);

  const timer = profile ? installKernelTimer(backend.name) : null;
  const batching = { ms: 0, max: 0 };
  const totals = { ms: 0, max: 0 };
  const metrics = { ms: 0, max: 0 };
  if (profile) {
    timeMethod(RowGatherer.prototype, 'gather', batching);
    timeMethod(EpochTotals.prototype, 'add', totals);
    timeMethod(EpochTotals.prototype, 'read', totals);
    timeMethod(RunWriter.prototype, 'appendMetrics', metrics);
  }

  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-run-'));
  const figures: EpochFigures[] = [];
  let last = 0;
  let profiledWall = 0;
  const outcome = await startRun({
    config,
    configFile,
    seed,
    runsDir: runs,
    backend,
    dataset,
    hooks: {
      shouldStop: () => false,
      onBatch: (p) => {
        if (p.epoch === 1 && p.batch === 1 && last === 0) last = performance.now();
      },
      onEpoch: (r) => {
        const now = performance.now();
        figures.push({
          seconds: r.seconds,
          wall: (now - last) / 1000,
          samplesPerSecond: r.samplesPerSecond,
          rssMb: process.memoryUsage().rss / 2 ** 20,
          tensors: tf.memory().numTensors,
        });
        // The first epoch pays for warm-up: profile the steady state only.
        if (r.epoch === 1) {
          timer?.reset();
          batching.ms = totals.ms = metrics.ms = 0;
          batching.max = totals.max = metrics.max = 0;
        } else profiledWall += now - last;
        last = now;
      },
    },
  });
  fs.rmSync(runs, { recursive: true, force: true });
  if (outcome.state !== 'completed') throw new Error(`training failed: ${outcome.error}`);

  const nTrain = Math.round(figures[0].samplesPerSecond * figures[0].seconds);
  let flopsPerSample = 0;
  for (const m of dataset.modalities) {
    const cfg = config.model.encoders[m.name];
    flopsPerSample += trainFlopsPerSample(
      m.sampleShape,
      cfg,
      config.model.featureDim,
      dataset.classes.length,
    );
  }
  let profileFigures: ProfileFigures | null = null;
  if (timer) {
    const n = Math.max(1, epochs - 1);
    profileFigures = {
      wallMs: profiledWall / n,
      kernelMs: timer.kernelMs() / n,
      dispatchMs: (timer.dispatchMs() - timer.kernelMs()) / n,
      batchingMs: batching.ms / n,
      totalsMs: totals.ms / n,
      metricsMs: metrics.ms / n,
      metricsMaxMs: metrics.max,
      top: timer
        .stats()
        .slice(0, 8)
        .map((s) => ({ name: s.name, calls: s.calls / n, ms: s.ms / n })),
    };
  }
  return {
    kind: 'train',
    backend: backend.name,
    epochs: figures,
    flopsPerEpoch: nTrain * flopsPerSample,
    profile: profileFigures,
  };
}

async function matmul(): Promise<MatmulResult> {
  const backend = await selectBackend(arg('backend') as BackendName);
  const n = 1024;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  // Asynchronous reads: a GPU backend (webgpu) has no synchronous one.
  const measure = async (fresh: boolean): Promise<number> => {
    const run = async () => {
      const c = tf.tidy(() => tf.matMul(a, fresh ? tf.add(b, 0) : b));
      await c.data();
      c.dispose();
    };
    await run();
    let reps = 0;
    const start = performance.now();
    while (performance.now() - start < 1500 || reps < 2) {
      await run();
      reps++;
    }
    return (2 * n ** 3 * reps) / ((performance.now() - start) / 1000) / 1e9;
  };
  const gflopsReused = await measure(false);
  const gflopsFresh = await measure(true);
  return {
    kind: 'matmul',
    backend: backend.name,
    adapter: backend.tried[0].adapter ?? null,
    gflopsReused,
    gflopsFresh,
  };
}

/** Milliseconds per training step of a config on a backend, as `auto` measures it (train/step-probe.ts). */
async function step(): Promise<StepResult> {
  const config = await loadConfig(path.resolve(arg('config')), 1);
  const backend = await selectBackend(arg('backend') as BackendName);
  const shapes = probeShapes(config, await loadRunDataset(config));
  const msPerStep = await stepMeasureFor(config, shapes)(backend.name, Number(arg('budget-ms', '3000')));
  return { kind: 'step', backend: backend.name, adapter: backend.tried[0].adapter ?? null, msPerStep };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const result = mode === 'matmul' ? await matmul() : mode === 'step' ? await step() : await train();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
