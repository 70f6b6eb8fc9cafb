// One training run of one seed, from the first epoch or from a checkpoint, writing the run folder as it
// goes: a metrics line per epoch (and a step line every few seconds), a checkpoint at every epoch end,
// `fusion.jsonl` whenever the validation score improves, the summary at the end. The loop is four stages
// over one explicit state (loop.ts): train an epoch (epoch-train.ts), evaluate and record it
// (epoch-record.ts), summarise (summary.ts); what a batch trains is the method's (src/core/methods).

import type { ResolvedConfig } from '../config/types';
import type { Dataset } from '../data/types';
import type { Checkpoint } from '../runs/checkpoint';
import type { EpochRecord, RunState, RunSummary } from '../runs/types';
import type { RunWriter } from '../runs/writer';
import { evaluateEpoch, recordEpoch } from './epoch-record';
import { trainEpoch } from './epoch-train';
import { TrainingLoop } from './loop';
import { captureSnapshot } from './snapshot';
import { summarise } from './summary';

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
  /**
   * Polled between batches (between epochs when an epoch is one batch): true finishes the batch (or the
   * epoch), checkpoints and ends the run as `stopped`.
   */
  shouldStop(): boolean;
  onBatch?(p: BatchProgress): void;
  /** After the epoch's metrics line is written and its checkpoint handed to the writer. */
  onEpoch?(r: EpochRecord): void;
}

export interface SessionOptions {
  config: ResolvedConfig;
  dataset: Dataset;
  seed: number;
  backend: string;
  writer: RunWriter;
  /** Continue from this checkpoint (loaded and checked by the caller); null: start from epoch 0. */
  checkpoint: Checkpoint | null;
  /** Epoch records already in metrics.jsonl (resume): the history the summary is computed from. */
  history: EpochRecord[];
  hooks: TrainerHooks;
}

export interface SessionResult {
  state: Extract<RunState, 'completed' | 'stopped'>;
  summary: RunSummary;
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const loop = TrainingLoop.open(opts);
  try {
    const { data } = loop;
    opts.writer.log(
      `data: ${data.train.length} train, ${data.val.length} val, ${data.test.length} test samples; ` +
        `${loop.batches} batches of ${opts.config.training.batchSize}; modalities ${loop.order.join(', ')}`,
    );
    for (let epoch = loop.state.position.epochsDone; epoch < loop.epochs; epoch++) {
      // With one batch per epoch there is no boundary between batches: stop between epochs instead.
      // Longer epochs stop between their batches, as before (a checkpoint inside the epoch).
      const singleBatch = loop.batches === 1;
      if (singleBatch && loop.state.sessionBatches > 0 && opts.hooks.shouldStop())
        return await stopAtEpochEnd(loop);
      const trained = await trainEpoch(loop, epoch);
      if (!trained) return await stop(loop);
      const evaluation = await evaluateEpoch(loop);
      const record = await recordEpoch(loop, epoch, trained, evaluation);
      opts.hooks.onEpoch?.(record);
    }
    return await finish(loop, 'completed');
  } finally {
    await loop.checkpoints.close();
    loop.dispose();
  }
}

/** A stop between batches: the checkpoint of the position mid-epoch, then the summary. */
async function stop(loop: TrainingLoop): Promise<SessionResult> {
  const { writer, seed } = loop.opts;
  const { position } = loop.state;
  const packed = await captureSnapshot(loop.net, loop.optimizer, loop.trainer, position, seed);
  await loop.checkpoints.submit({ runDir: writer.dir, packed, prune: null, faultEpoch: null });
  await loop.checkpoints.settled();
  writer.log(`stopped at epoch ${position.epochsDone + 1}, batch ${position.nextBatch}; checkpoint written`);
  return await finish(loop, 'stopped');
}

/** A stop between two epochs: the finished epoch's checkpoint is handed over already. */
async function stopAtEpochEnd(loop: TrainingLoop): Promise<SessionResult> {
  await loop.checkpoints.settled();
  loop.opts.writer.log(`stopped after epoch ${loop.state.position.epochsDone}; checkpoint written`);
  return finish(loop, 'stopped');
}

/** The summary, once the last checkpoint is on disk: "completed" or "stopped" never claims one that is not. */
async function finish(loop: TrainingLoop, state: SessionResult['state']): Promise<SessionResult> {
  await loop.checkpoints.settled();
  const summary = summarise(loop, state);
  loop.opts.writer.writeSummary(summary);
  return { state, summary };
}
