// The "evaluate" and "record" stages of an epoch: the validation and test splits in eval mode, then the
// epoch's record, the fusion records when it is the best epoch so far, the metrics line and its checkpoint
// (which carries the record), written by the checkpoint worker while the next epoch trains.

import type { EpochRecord, SplitScores } from '../runs/types';
import { eventLoopTurn } from '../util/event-loop';
import { roundTo } from '../util/round';
import type { TrainedEpoch } from './epoch-train';
import { meanFusionWeights, predictSplits, scoreSplit, type SplitOutputs } from './evaluate';
import { faultPoint } from './fault-point';
import { fusionRecords } from './fusionRecords';
import type { TrainingLoop } from './loop';
import { captureSnapshot } from './snapshot';

export interface EpochEvaluation {
  val: SplitScores;
  test: SplitScores;
  /** The test split's outputs, for the fusion weights and (best epoch) the fusion records. */
  testOutputs: SplitOutputs;
}

export async function evaluateEpoch(loop: TrainingLoop): Promise<EpochEvaluation> {
  const { net, data, gatherers, order } = loop;
  const fusion = loop.opts.config.mla.fusion;
  const [val, test] = await predictSplits(net, data, gatherers, [data.val, data.test], fusion);
  return { val: scoreSplit(val, order), test: scoreSplit(test, order), testOutputs: test };
}

/** Writes epoch `epoch` (0-based) to the run folder and moves the loop's state past it. */
export async function recordEpoch(
  loop: TrainingLoop,
  epoch: number,
  trained: TrainedEpoch,
  evaluation: EpochEvaluation,
): Promise<EpochRecord> {
  const { opts, state, order } = loop;
  const { writer, seed } = opts;
  const nTrain = loop.trainRows;
  // Model selection on validation, earliest epoch on ties; without a validation split, the last epoch.
  const isBest =
    state.best === null || loop.data.val.length === 0 || evaluation.val.fused > state.best.val.fused;
  const diagnostics = await loop.trainer.diagnostics?.();
  const record: EpochRecord = {
    type: 'epoch',
    epoch: epoch + 1,
    epochs: loop.epochs,
    lr: trained.lr,
    train: loop.trainer.trainRecord(trained.means, order),
    val: evaluation.val,
    test: evaluation.test,
    fusionWeights: meanFusionWeights(evaluation.testOutputs, order),
    samplesPerSecond: trained.seconds > 0 ? nTrain / trained.seconds : 0,
    seconds: roundTo(trained.seconds, 4),
    elapsed: roundTo(loop.elapsed(), 3),
    best: isBest,
    time: new Date().toISOString(),
    ...(diagnostics ? { diagnostics } : {}),
  };
  state.position = {
    epochsDone: epoch + 1,
    nextBatch: 0,
    partial: null,
    partialSeconds: 0,
    trainSeconds: state.position.trainSeconds + trained.seconds,
    elapsed: loop.elapsed(),
  };
  // The order makes every instant of a kill recoverable. First the previous checkpoint must be in place:
  // its failed write fails the run before anything of this epoch is written (the wait is also a turn of
  // the event loop, where a Stop's signal is seen; training keeps this thread busy otherwise). Then
  // fusion.jsonl: a kill before the checkpoint redoes this epoch, which writes the same file again. The
  // metrics line goes before the checkpoint is handed to the worker, so the fault points fire in a fixed
  // order; a kill before the checkpoint is in place resumes from the previous one, which moves the line
  // aside and trains the epoch again, identically. The checkpoint carries the epoch's record, and the
  // worker prunes only after it is in place, so an intact checkpoint is always on disk.
  await Promise.all([loop.checkpoints.settled(), eventLoopTurn()]);
  if (isBest) writer.writeFusion(fusionRecords(evaluation.testOutputs, order));
  faultPoint('fusion', record.epoch);
  const packed = await captureSnapshot(loop.net, loop.optimizer, loop.trainer, state.position, seed, record);
  if (isBest) state.best = record;
  writer.appendMetrics(record);
  faultPoint('metrics', record.epoch);
  state.history.push(record);
  await loop.checkpoints.submit({
    runDir: writer.dir,
    packed,
    prune: { latest: 1, alsoKeepEpochs: state.best ? [state.best.epoch] : [] },
    faultEpoch: record.epoch,
  });
  return record;
}
