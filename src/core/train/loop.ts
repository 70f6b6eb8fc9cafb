// What the stages of one session's training loop share (session.ts runs them in turn): what it trains with,
// the explicit state it moves forward (where the run is, its history, the best epoch so far), and its clock.

import * as path from 'node:path';
import { trainingMethod } from '../methods';
import { STATE_FILE } from '../runs/checkpoint';
import type { MethodTrainer, TrainingMethod } from '../methods/types';
import type { Optimizer } from '../optim/optimizer';
import { createOptimizer } from '../optim/optimizer';
import type { EpochRecord } from '../runs/types';
import { RowGatherer } from './batches';
import { CheckpointWriter } from './checkpoint-writer';
import { Network } from './network';
import { prepareData, type PreparedData } from './prepare';
import type { SessionOptions } from './session';
import { restoreSnapshot, type LoopPosition } from './snapshot';

export interface LoopState {
  /** Where the run is: what a checkpoint carries besides the model, the optimizer and the method. */
  position: LoopPosition;
  /** The run's epoch records so far, earlier sessions' included: what the summary is computed from. */
  history: EpochRecord[];
  /** The record of the epoch selected so far (best validation score), null before the first. */
  best: EpochRecord | null;
  /** Batches this session has trained, for progress and an ETA that ignores earlier sessions. */
  sessionBatches: number;
  /** `performance.now()` of the latest step line in metrics.jsonl (or of the session's start). */
  lastStepRecord: number;
}

export class TrainingLoop {
  readonly data: PreparedData;
  readonly order: string[];
  readonly net: Network;
  readonly optimizer: Optimizer;
  readonly gatherers: RowGatherer[];
  readonly method: TrainingMethod;
  readonly trainer: MethodTrainer;
  readonly epochs: number;
  readonly batches: number;
  readonly state: LoopState;
  /** Writes the checkpoints while training goes on; at most one in flight. */
  readonly checkpoints = new CheckpointWriter();
  private sessionStart = performance.now();
  private elapsedBefore = 0;

  private constructor(readonly opts: SessionOptions) {
    const { config, seed } = opts;
    this.data = prepareData(opts.dataset, config, seed);
    this.order = this.data.modalities.map((m) => m.name);
    this.net = Network.build(config, this.data.modalities, this.data.classes.length, seed);
    this.optimizer = createOptimizer(config.training.optimizer);
    this.gatherers = this.data.modalities.map((m) => new RowGatherer(m));
    this.method = trainingMethod(config.method);
    this.trainer = this.method.trainer({
      config,
      seed,
      data: this.data,
      net: this.net,
      optimizer: this.optimizer,
      gatherers: this.gatherers,
    });
    this.epochs = config.training.epochs;
    this.batches = Math.ceil(this.data.train.length / config.training.batchSize);
    this.state = {
      position: {
        epochsDone: 0,
        nextBatch: 0,
        partial: null,
        partialSeconds: 0,
        trainSeconds: 0,
        elapsed: 0,
      },
      history: [...opts.history],
      best: bestOf(opts.history),
      sessionBatches: 0,
      lastStepRecord: performance.now(),
    };
  }

  /** Builds the loop, continuing from `opts.checkpoint` when there is one. */
  static open(opts: SessionOptions): TrainingLoop {
    const loop = new TrainingLoop(opts);
    try {
      const { checkpoint } = opts;
      if (checkpoint) {
        loop.state.position = restoreSnapshot(checkpoint, loop.net, loop.optimizer, loop.trainer);
        if (loop.state.position.nextBatch >= loop.batches) {
          throw new Error(
            `${path.join(checkpoint.dir, STATE_FILE)}: /extra/nextBatch must be below ${loop.batches} (the batches of an epoch)`,
          );
        }
        loop.elapsedBefore = loop.state.position.elapsed;
        const { epochsDone, nextBatch } = loop.state.position;
        opts.writer.log(`resumed from ${checkpoint.dir} (epoch ${epochsDone}, batch ${nextBatch})`);
      }
    } catch (error) {
      loop.dispose();
      throw error;
    }
    // The session's clock starts once the model is ready: loading a checkpoint is no training time.
    loop.sessionStart = performance.now();
    loop.state.lastStepRecord = loop.sessionStart;
    return loop;
  }

  get trainRows(): number {
    return this.data.train.length;
  }

  /** Wall seconds over all sessions of the run. */
  elapsed(): number {
    return this.elapsedBefore + this.sessionSeconds();
  }

  /** Wall seconds since this session started. */
  sessionSeconds(): number {
    return (performance.now() - this.sessionStart) / 1000;
  }

  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
    this.trainer.dispose();
  }
}

function bestOf(history: EpochRecord[]): EpochRecord | null {
  let best: EpochRecord | null = null;
  for (const r of history) if (r.best) best = r;
  return best;
}
