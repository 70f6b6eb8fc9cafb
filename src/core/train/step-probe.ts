// How `auto` measures a backend: the run's own model (its encoders, head, optimizer, method and HGM) takes
// full training steps on a batch of the run's shapes, filled with synthetic values (speed does not depend on
// them), first a couple of warm-up steps (a GPU compiles its shaders for each new shape there), then timed ones
// until the budget is spent. Each step ends with an asynchronous read of its loss, so the time includes the
// device finishing its work.
import * as tf from '@tensorflow/tfjs';
import type { BackendName, ResolvedConfig } from '../config/types';
import type { StepMeasure } from '../backend/types';
import type { Dataset } from '../data/types';
import { HgmProjector } from '../mla/hgm';
import { createOptimizer } from '../optim/optimizer';
import { Rng } from '../util/random';
import { Network } from './network';
import type { PreparedModality } from './prepare';
import { jointStep } from '../methods/joint';
import { MODALITY_SEED_STRIDE, mlaStep } from '../methods/mla';
import type { StepSums } from '../methods/types';

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

class StepProbe {
  private readonly net: Network;
  private readonly optimizer;
  private readonly projector: HgmProjector | null;
  private readonly xs: tf.Tensor[];
  private readonly y: tf.Tensor2D;
  private stepIndex = 0;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly shapes: ProbeShapes,
  ) {
    const rng = Rng.fromSeed(0, 'step-probe');
    const prepared: PreparedModality[] = shapes.modalities.map((m) => {
      const sampleSize = m.sampleShape.reduce((a, b) => a * b, 1);
      const features = new Float32Array(shapes.batch * sampleSize);
      for (let i = 0; i < features.length; i++) features[i] = rng.nextU32() / 2 ** 31 - 1;
      return {
        name: m.name,
        sampleShape: m.sampleShape,
        sampleSize,
        features,
        present: new Uint8Array(shapes.batch).fill(1),
        hasMissing: false,
        scaler: { mode: 'none', shift: [], scale: [] },
      };
    });
    this.net = Network.build(config, prepared, shapes.classes, 0);
    this.optimizer = createOptimizer(config.training.optimizer);
    const isMla = config.method === 'mla';
    this.projector =
      isMla && config.mla.hgm.mode !== 'off' ? new HgmProjector(config.model.featureDim) : null;
    this.xs = prepared.map((m) => tf.tensor(m.features, [shapes.batch, ...m.sampleShape], 'float32'));
    const oneHot = new Float32Array(shapes.batch * shapes.classes);
    for (let i = 0; i < shapes.batch; i++) oneHot[i * shapes.classes + (i % shapes.classes)] = 1;
    this.y = tf.tensor2d(oneHot, [shapes.batch, shapes.classes]);
  }

  async step(): Promise<void> {
    const b = this.stepIndex++;
    const sums: StepSums[] = [];
    if (this.config.method === 'mla') {
      const hgm = this.projector ? { projector: this.projector, mode: this.config.mla.hgm.mode } : null;
      this.shapes.modalities.forEach((m, k) => {
        sums.push(
          mlaStep(this.net, this.optimizer, hgm, {
            modality: m.name,
            x: this.xs[k],
            y: this.y,
            lr: this.config.training.optimizer.lr,
            batch: b,
            batches: 1000,
            seed: (b + k * MODALITY_SEED_STRIDE) >>> 0,
            quirkEncoders: [],
          }),
        );
      });
    } else {
      const masks = this.xs.map(() => null);
      const t = jointStep(this.net, this.optimizer, {
        xs: this.xs,
        masks,
        y: this.y,
        lr: this.config.training.optimizer.lr,
        seed: b,
      });
      sums.push(t, ...t.unimodal);
    }
    // The fast path's figures are numbers already; a device scalar is read so the time includes the device.
    const onDevice = sums
      .flatMap((t) => [t.lossSum, t.correct])
      .filter((v): v is tf.Scalar => typeof v !== 'number');
    if (onDevice.length > 0) await onDevice[0].data();
    tf.dispose(onDevice);
  }

  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
    this.projector?.dispose();
    tf.dispose([...this.xs, this.y]);
  }
}
