// The "train an epoch" stage: the epoch's batches in its shuffled order, each trained by the method, their
// figures summed on the device (or in JS for fast-path steps), progress reported, a step line every few
// seconds; a stop request between batches ends the stage with the loop's position saved mid-epoch.

import { FUSED_TOTALS_KEY, type EpochMeans } from '../methods/types';
import { learningRateAt } from '../optim/schedule';
import { eventLoopTurn } from '../util/event-loop';
import { Rng } from '../util/random';
import { roundTo } from '../util/round';
import { checkFiniteLoss } from './finite-loss';
import type { TrainingLoop } from './loop';
import { EpochTotals, means } from './totals';

/** Seconds between step lines in metrics.jsonl: often enough for a live chart, rare enough to stay small. */
const STEP_RECORD_SECONDS = 2;

export interface TrainedEpoch {
  lr: number;
  /** Mean loss and accuracy per totals key over the epoch's batches. */
  means: EpochMeans;
  /** Training seconds of the epoch, over every session that trained part of it. */
  seconds: number;
}

/** Trains epoch `epoch` (0-based) from the loop's position; null when a stop was asked for (position saved). */
export async function trainEpoch(loop: TrainingLoop, epoch: number): Promise<TrainedEpoch | null> {
  const { opts, state, trainer, batches } = loop;
  const { config, seed, hooks } = opts;
  const nTrain = loop.trainRows;
  const B = config.training.batchSize;
  const lr = learningRateAt(epoch, config.training.optimizer.lr, config.training.lrSchedule, loop.epochs);
  const perm = Rng.fromSeed(seed, `shuffle/${epoch}`).permutation(nTrain);
  const startBatch = state.position.nextBatch;
  const totals = new EpochTotals([...trainer.totalsKeys], state.position.partial ?? undefined);
  let seconds = state.position.partialSeconds;
  const start = performance.now();
  try {
    for (let b = startBatch; b < batches; b++) {
      if (b > startBatch) {
        // A turn of the event loop between batches is where a Stop's signal arrives: without it an epoch of
        // slow steps (the cpu backend, a large dataset) would see the request only at its end.
        await eventLoopTurn();
        if (hooks.shouldStop()) {
          // The read waits for the device (a GPU's queued steps), so it comes before the clock stops.
          const partial = await totals.read();
          seconds += (performance.now() - start) / 1000;
          state.position = {
            ...state.position,
            nextBatch: b,
            partial,
            partialSeconds: seconds,
            elapsed: loop.elapsed(),
          };
          return null;
        }
      }
      const end = Math.min(nTrain, (b + 1) * B);
      const rows = new Int32Array(end - b * B);
      for (let i = 0; i < rows.length; i++) rows[i] = loop.data.train[perm[b * B + i]];
      const figures = trainer.trainBatch({
        rows,
        epoch,
        batch: b,
        batches,
        lr,
        seed: stepSeedOf(seed, epoch, b),
      });
      for (const f of figures) totals.add(f.key, f);
      state.sessionBatches++;
      hooks.onBatch?.({
        epoch: epoch + 1,
        epochs: loop.epochs,
        batch: b + 1,
        batches,
        sessionSeconds: loop.sessionSeconds(),
        sessionBatches: state.sessionBatches,
      });
      if ((performance.now() - state.lastStepRecord) / 1000 >= STEP_RECORD_SECONDS && b + 1 < batches) {
        state.lastStepRecord = performance.now();
        opts.writer.appendMetrics({
          type: 'step',
          epoch: epoch + 1,
          batch: b + 1,
          batches,
          loss: means(await totals.read()).loss,
          elapsed: roundTo(loop.elapsed(), 3),
        });
      }
    }
    // The read waits for the device: a GPU's queued steps finish inside the epoch's clock.
    const sums = await totals.read();
    checkFiniteLoss(sums, epoch + 1, FUSED_TOTALS_KEY);
    const trained = means(sums);
    seconds += (performance.now() - start) / 1000;
    return { lr, means: trained, seconds };
  } finally {
    totals.dispose();
  }
}

// The constants of the hash below: the golden ratio's 32 bits and murmur3's finaliser multipliers.
const SEED_MIX = 0x9e3779b9;
const MIX_1 = 0x85ebca6b;
const MIX_2 = 0xc2b2ae35;

/** A dropout seed per (seed, epoch, batch): reproducible, and the same after a resume. */
export function stepSeedOf(seed: number, epoch: number, batch: number): number {
  let h = (seed ^ SEED_MIX) >>> 0;
  h = Math.imul(h ^ epoch, MIX_1) >>> 0;
  h = Math.imul(h ^ batch, MIX_2) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
