// How `auto` measures a backend: the run's own model (its encoders, head, optimizer, method and HGM) takes
// full training steps of the run's own method on a batch of the run's shapes, filled with synthetic values
// (speed does not depend on them), first a couple of warm-up steps (a GPU compiles its shaders for each new
// shape there), then timed ones until the budget is spent. Each step ends with an asynchronous read of its
// loss, so the time includes the device finishing its work.
import * as tf from '@tensorflow/tfjs';
import type { BackendName, ResolvedConfig } from '../config/types';
import type { StepMeasure } from '../backend/types';
import type { Dataset } from '../data/types';
import { trainingMethod } from '../methods';
import type { MethodTrainer } from '../methods/types';
import { createOptimizer, type Optimizer } from '../optim/optimizer';
import { Rng } from '../util/random';
import { RowGatherer } from './batches';
import { Network } from './network';
import type { PreparedData, PreparedModality } from './prepare';

const WARMUP_STEPS = 2;
const MAX_TIMED_STEPS = 8;

/** The shapes a step of this run works on: one batch, every modality. */
export interface ProbeShapes {
  batch: number;
  classes: number;
  modalities: { name: string; sampleShape: number[] }[];
}

export function probeShapes(config: ResolvedConfig, dataset: Dataset): ProbeShapes {
  const trainRows = dataset.splits.train.length;
  const batch = Math.max(1, Math.min(config.training.batchSize, trainRows || config.training.batchSize));
  const modalities = config.mla.order.map((name) => {
    const m = dataset.modalities.find((d) => d.name === name);
    if (!m) throw new Error(`step probe: the dataset has no modality "${name}"`);
    return { name, sampleShape: m.sampleShape };
  });
  return { batch, classes: dataset.classes.length, modalities };
}

/** The largest batch input in bytes: the part of the memory estimate that is known before the model runs. */
export function largestInputBytes(shapes: ProbeShapes): number {
  const sizes = shapes.modalities.map((m) => m.sampleShape.reduce((a, b) => a * b, 1));
  return 4 * shapes.batch * Math.max(0, ...sizes);
}

export function stepMeasureFor(config: ResolvedConfig, shapes: ProbeShapes): StepMeasure {
  return async (_backend: BackendName, budgetMs: number) => {
    const probe = new StepProbe(config, shapes);
    try {
      return await timeSteps(() => probe.step(), budgetMs);
    } finally {
      probe.dispose();
    }
  };
}

/**
 * Runs `step` WARMUP_STEPS times, then until `budgetMs` (counted from the start) is spent or MAX_TIMED_STEPS
 * ran, and returns the median timed step in ms. The warm-up and at least one timed step run even past the budget.
 */
export async function timeSteps(
  step: () => Promise<void>,
  budgetMs: number,
  now: () => number = () => performance.now(),
): Promise<number> {
  const start = now();
  // Every warm-up step runs even past the budget: a GPU may still be compiling shaders in the second one, and a
  // step timed then would make it look many times slower than it trains.
  for (let i = 0; i < WARMUP_STEPS; i++) await step();
  const timed: number[] = [];
  do {
    const t0 = now();
    await step();
    timed.push(now() - t0);
  } while (timed.length < MAX_TIMED_STEPS && now() - start < budgetMs);
  timed.sort((a, b) => a - b);
  return timed[Math.floor(timed.length / 2)];
}

/**
 * One batch of the run's shapes trained by the run's own method: each method builds its own head (unimodal
 * heads, G-Blending's extra heads, ReconBoost's stages…), so a step of any other method would not fit the network.
 */
class StepProbe {
  private readonly net: Network;
  private readonly optimizer: Optimizer;
  private readonly trainer: MethodTrainer;
  private readonly rows: Int32Array;
  private stepIndex = 0;

  constructor(
    private readonly config: ResolvedConfig,
    shapes: ProbeShapes,
  ) {
    const rng = Rng.fromSeed(0, 'step-probe');
    // Twice the batch, with labels cycling through the classes: methods that hold out part of train (G-Blending)
    // or stratify by class find rows of every class on both sides.
    const n = 2 * shapes.batch;
    const modalities: PreparedModality[] = shapes.modalities.map((m) => {
      const sampleSize = m.sampleShape.reduce((a, b) => a * b, 1);
      const features = new Float32Array(n * sampleSize);
      for (let i = 0; i < features.length; i++) features[i] = rng.nextU32() / 2 ** 31 - 1;
      return {
        name: m.name,
        sampleShape: m.sampleShape,
        sampleSize,
        features,
        present: new Uint8Array(n).fill(1),
        hasMissing: false,
        scaler: { mode: 'none', shift: [], scale: [] },
      };
    });
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = i % shapes.classes;
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const data: PreparedData = {
      classes: Array.from({ length: shapes.classes }, (_, c) => String(c)),
      labels,
      modalities,
      train: all,
      val: new Int32Array(0),
      test: new Int32Array(0),
    };
    this.rows = all.subarray(0, shapes.batch);
    this.net = Network.build(config, modalities, shapes.classes, 0);
    this.optimizer = createOptimizer(config.training.optimizer);
    try {
      this.trainer = trainingMethod(config.method).trainer({
        config,
        seed: 0,
        data,
        net: this.net,
        optimizer: this.optimizer,
        gatherers: modalities.map((m) => new RowGatherer(m)),
      });
    } catch (error) {
      this.net.dispose();
      this.optimizer.dispose();
      throw error;
    }
  }

  async step(): Promise<void> {
    const b = this.stepIndex++;
    const figures = this.trainer.trainBatch({
      rows: this.rows,
      epoch: 0,
      batch: b,
      batches: 1000,
      lr: this.config.training.optimizer.lr,
      seed: b,
    });
    // The fast path's figures are numbers already; a device scalar is read so the time includes the device.
    const onDevice = figures
      .flatMap((t) => [t.lossSum, t.correct])
      .filter((v): v is tf.Scalar => typeof v !== 'number');
    if (onDevice.length > 0) await onDevice[0].data();
    tf.dispose(onDevice);
  }

  dispose(): void {
    this.trainer.dispose();
    this.net.dispose();
    this.optimizer.dispose();
  }
}
