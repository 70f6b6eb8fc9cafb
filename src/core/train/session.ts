// One training run of one seed, from the first epoch or from a checkpoint, writing the run folder as it
// goes: a metrics line per epoch (and a step line every few seconds), a checkpoint at every epoch end,
// `fusion.jsonl` whenever the validation score improves, the summary at the end.

import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../config/types';
import type { Dataset } from '../data/types';
import { HgmProjector } from '../mla/hgm';
import { createOptimizer } from '../optim/optimizer';
import { learningRateAt } from '../optim/schedule';
import { latestCheckpoint, loadCheckpoint, pruneCheckpoints } from '../runs/checkpoint';
import type { EpochRecord, RunState, RunSummary, SummaryScores } from '../runs/types';
import type { RunWriter } from '../runs/writer';
import { Rng } from '../util/random';
import { labelTensor, presentRows, RowGatherer } from './batches';
import { meanFusionWeights, predictSplit, scoreSplit } from './evaluate';
import { fusionRecords } from './fusionRecords';
import { Network } from './network';
import { prepareData } from './prepare';
import { restoreSnapshot, writeSnapshot, type LoopPosition } from './snapshot';
import { jointStep, mlaStep } from './steps';
import { EpochTotals, means } from './totals';

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Wall seconds since this session started. */
  sessionSeconds: number;
  /** Epochs and batches this session has trained (for an ETA that ignores earlier sessions). */
  sessionBatches: number;
}

export interface TrainerHooks {
  /** Polled between batches: true finishes the batch, checkpoints and ends the run as `stopped`. */
  shouldStop(): boolean;
  onBatch?(p: BatchProgress): void;
  /** After the epoch's metrics line and checkpoint are written. */
  onEpoch?(r: EpochRecord): void;
}

export interface SessionOptions {
  config: ResolvedConfig;
  dataset: Dataset;
  seed: number;
  backend: string;
  writer: RunWriter;
  /** Continue from the run folder's latest checkpoint. */
  resume: boolean;
  /** Epoch records already in metrics.jsonl (resume): the history the summary is computed from. */
  history: EpochRecord[];
  hooks: TrainerHooks;
}

export interface SessionResult {
  state: Extract<RunState, 'completed' | 'stopped'>;
  summary: RunSummary;
}

/** Seconds between step lines in metrics.jsonl: often enough for a live chart, rare enough to stay small. */
const STEP_RECORD_SECONDS = 2;

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const { config, seed, writer } = opts;
  const data = prepareData(opts.dataset, config, seed);
  const order = data.modalities.map((m) => m.name);
  const C = data.classes.length;
  const net = Network.build(config, data.modalities, C, seed);
  const optimizer = createOptimizer(config.training.optimizer);
  const gatherers = data.modalities.map((m) => new RowGatherer(m));
  const isMla = config.method === 'mla';
  const hgmMode = config.mla.hgm.mode;
  let projector = isMla && hgmMode !== 'off' ? new HgmProjector(config.model.featureDim) : null;
  const history = [...opts.history];

  let position: LoopPosition = {
    epochsDone: 0,
    nextBatch: 0,
    partial: null,
    partialSeconds: 0,
    trainSeconds: 0,
    elapsed: 0,
  };
  if (opts.resume) {
    const ref = latestCheckpoint(writer.dir);
    if (ref) {
      const restored = restoreSnapshot(await loadCheckpoint(ref.dir), net, optimizer);
      position = restored.position;
      if (projector) {
        projector.dispose();
        projector = restored.projector;
      } else restored.projector?.dispose();
      writer.log(`resumed from ${ref.dir} (epoch ${position.epochsDone}, batch ${position.nextBatch})`);
    }
  }

  const E = config.training.epochs;
  const B = config.training.batchSize;
  const nTrain = data.train.length;
  const batches = Math.ceil(nTrain / B);
  const sessionStart = performance.now();
  const elapsedBefore = position.elapsed;
  const elapsed = () => elapsedBefore + (performance.now() - sessionStart) / 1000;
  let sessionBatches = 0;
  let lastStepRecord = performance.now();
  let best = bestOf(history);
  const keys = isMla ? order : [...order, JOINT_KEY];
  writer.log(
    `data: ${nTrain} train, ${data.val.length} val, ${data.test.length} test samples; ${batches} batches of ${B}; ` +
      `modalities ${order.join(', ')}`,
  );

  try {
    for (let epoch = position.epochsDone; epoch < E; epoch++) {
      const lr = learningRateAt(epoch, config.training.optimizer.lr, config.training.lrSchedule, E);
      const perm = Rng.fromSeed(seed, `shuffle/${epoch}`).permutation(nTrain);
      const startBatch = position.nextBatch;
      const totals = new EpochTotals(keys, position.partial ?? undefined);
      let epochSeconds = position.partialSeconds;
      const epochStart = performance.now();
      for (let b = startBatch; b < batches; b++) {
        if (b > startBatch && opts.hooks.shouldStop()) {
          // The read waits for the device (a GPU's queued steps), so it comes before the clock stops.
          const partial = await totals.read();
          epochSeconds += (performance.now() - epochStart) / 1000;
          position = {
            ...position,
            nextBatch: b,
            partial,
            partialSeconds: epochSeconds,
            elapsed: elapsed(),
          };
          totals.dispose();
          return await stop();
        }
        const end = Math.min(nTrain, (b + 1) * B);
        const rows = new Int32Array(end - b * B);
        for (let i = 0; i < rows.length; i++) rows[i] = data.train[perm[b * B + i]];
        const stepSeed = stepSeedOf(seed, epoch, b);
        if (isMla) {
          const done: string[] = [];
          data.modalities.forEach((m, k) => {
            const sel = presentRows(rows, m.present, !m.hasMissing);
            if (sel.length === 0) return;
            const x = gatherers[k].gather(sel);
            const y = labelTensor(data.labels, sel, C);
            const t = mlaStep(net, optimizer, projector ? { projector, mode: hgmMode } : null, {
              modality: m.name,
              x,
              y,
              lr,
              batch: b,
              batches,
              seed: (stepSeed + k * 7919) >>> 0,
              quirkEncoders: config.mla.replicateTorchZeroGradQuirk ? done : [],
            });
            tf.dispose([x, y]);
            if ('host' in t) totals.addValues(m.name, t.lossSum, t.correct, t.rows);
            else totals.add(m.name, t.lossSum, t.correct, t.rows);
            done.push(m.name);
          });
        } else {
          const xs = gatherers.map((g) => g.gather(rows));
          const masks = data.modalities.map((m) => (m.hasMissing ? presenceColumn(m.present, rows) : null));
          const y = labelTensor(data.labels, rows, C);
          const t = jointStep(net, optimizer, { xs, masks, y, lr, seed: stepSeed });
          tf.dispose([...xs, y, ...masks.filter((mk): mk is tf.Tensor2D => mk !== null)]);
          const rowsOf = (k: number) => {
            const m = data.modalities[k];
            return m.hasMissing ? countPresent(m.present, rows) : rows.length;
          };
          if ('host' in t) {
            totals.addValues(JOINT_KEY, t.lossSum, t.correct, t.rows);
            t.unimodal.forEach((u, k) => totals.addValues(order[k], u.lossSum, u.correct, rowsOf(k)));
          } else {
            totals.add(JOINT_KEY, t.lossSum, t.correct, t.rows);
            t.unimodal.forEach((u, k) => totals.add(order[k], u.lossSum, u.correct, rowsOf(k)));
          }
        }
        sessionBatches++;
        opts.hooks.onBatch?.({
          epoch: epoch + 1,
          epochs: E,
          batch: b + 1,
          batches,
          sessionSeconds: (performance.now() - sessionStart) / 1000,
          sessionBatches,
        });
        if ((performance.now() - lastStepRecord) / 1000 >= STEP_RECORD_SECONDS && b + 1 < batches) {
          lastStepRecord = performance.now();
          writer.appendMetrics({
            type: 'step',
            epoch: epoch + 1,
            batch: b + 1,
            batches,
            loss: means(await totals.read()).loss,
            elapsed: round(elapsed(), 3),
          });
        }
      }
      // The read waits for the device: a GPU's queued steps finish inside the epoch's clock.
      const trained = means(await totals.read());
      epochSeconds += (performance.now() - epochStart) / 1000;
      totals.dispose();

      const val = await predictSplit(net, data, gatherers, data.val, config.mla.fusion);
      const test = await predictSplit(net, data, gatherers, data.test, config.mla.fusion);
      const valScores = scoreSplit(val, order);
      const testScores = scoreSplit(test, order);
      // Model selection on validation, earliest epoch on ties; without a validation split, the last epoch.
      const isBest = best === null || data.val.length === 0 || valScores.fused > best.val.fused;
      const record: EpochRecord = {
        type: 'epoch',
        epoch: epoch + 1,
        epochs: E,
        lr,
        train: {
          loss: pick(trained.loss, order),
          acc: pick(trained.acc, order),
          fusedLoss: isMla ? null : trained.loss[JOINT_KEY],
          fusedAcc: isMla ? null : trained.acc[JOINT_KEY],
        },
        val: valScores,
        test: testScores,
        fusionWeights: meanFusionWeights(test, order),
        samplesPerSecond: epochSeconds > 0 ? nTrain / epochSeconds : 0,
        seconds: round(epochSeconds, 4),
        elapsed: round(elapsed(), 3),
        best: isBest,
        time: new Date().toISOString(),
      };
      position = {
        epochsDone: epoch + 1,
        nextBatch: 0,
        partial: null,
        partialSeconds: 0,
        trainSeconds: position.trainSeconds + epochSeconds,
        elapsed: elapsed(),
      };
      // Checkpoint before the metrics line: a line in metrics.jsonl always has its checkpoint behind it.
      await writeSnapshot(writer.dir, net, optimizer, projector, position, seed);
      if (isBest) {
        best = record;
        writer.writeFusion(fusionRecords(test, order));
      }
      pruneCheckpoints(writer.dir, { latest: 1, alsoKeepEpochs: best ? [best.epoch] : [] });
      writer.appendMetrics(record);
      history.push(record);
      opts.hooks.onEpoch?.(record);
    }
    const summary = summarize('completed');
    writer.writeSummary(summary);
    return { state: 'completed', summary };
  } finally {
    net.dispose();
    optimizer.dispose();
    projector?.dispose();
  }

  async function stop(): Promise<SessionResult> {
    await writeSnapshot(writer.dir, net, optimizer, projector, position, seed);
    writer.log(
      `stopped at epoch ${position.epochsDone + 1}, batch ${position.nextBatch}; checkpoint written`,
    );
    const summary = summarize('stopped');
    writer.writeSummary(summary);
    return { state: 'stopped', summary };
  }

  function summarize(state: RunSummary['state']): RunSummary {
    const last = history[history.length - 1];
    const chosen = best ?? last;
    const empty: SummaryScores = { fused: NaN, unimodal: {}, macroF1: NaN };
    const trainSeconds = position.trainSeconds + position.partialSeconds;
    return {
      state,
      method: config.method,
      seed,
      backend: opts.backend,
      epochs: position.epochsDone,
      bestEpoch: chosen ? chosen.epoch : 0,
      seconds: round(trainSeconds, 3),
      wallSeconds: round(elapsed(), 3),
      samplesPerSecond:
        trainSeconds > 0 ? round((nTrain * position.epochsDone) / position.trainSeconds || 0, 2) : 0,
      test: chosen ? scoresOf(chosen.test) : empty,
      val: chosen ? scoresOf(chosen.val) : empty,
      last: { test: last ? scoresOf(last.test) : empty, val: last ? scoresOf(last.val) : empty },
      fusion: {
        type: isMla ? config.mla.fusion.type : 'concat-head',
        perSample: isMla && config.mla.fusion.type !== 'entropy-batch',
        epoch: chosen ? chosen.epoch : 0,
      },
    };
  }
}

const JOINT_KEY = '__fused__';

function bestOf(history: EpochRecord[]): EpochRecord | null {
  let best: EpochRecord | null = null;
  for (const r of history) if (r.best) best = r;
  return best;
}

function scoresOf(s: { fused: number; unimodal: Record<string, number>; macroF1: number }): SummaryScores {
  return { fused: s.fused, unimodal: s.unimodal, macroF1: s.macroF1 };
}

function pick(values: Record<string, number>, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = values[k];
  return out;
}

function presenceColumn(present: Uint8Array, rows: Int32Array): tf.Tensor2D {
  const v = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) v[i] = present[rows[i]];
  return tf.tensor2d(v, [rows.length, 1]);
}

function countPresent(present: Uint8Array, rows: Int32Array): number {
  let c = 0;
  for (let i = 0; i < rows.length; i++) c += present[rows[i]];
  return c;
}

/** A dropout seed per (seed, epoch, batch): reproducible, and the same after a resume. */
function stepSeedOf(seed: number, epoch: number, batch: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ epoch, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ batch, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
