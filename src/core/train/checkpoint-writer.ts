// Checkpoints off the epoch's critical path: the loop packs a copy of its state (cheap, synchronous in
// effect) and hands it to a worker thread, which hashes, writes, fsyncs, renames and prunes while the next
// epoch trains. A thread rather than fs promises on this one: training keeps this thread busy between
// epochs, so a chain of asynchronous file calls would only move on at the next epoch's end.
//
// At most one write is in flight: a new checkpoint waits for the one before (each is written, none is
// skipped, since an epoch's checkpoint may be the one pruning keeps as the best). The wait costs nothing
// in practice: a write takes a few ms, an epoch far longer. A failed write is thrown by the next `settled()`
// or `submit()`, so the run fails with the message naming the file instead of losing it.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkpointDirName } from '../runs/checkpoint';
import { RUN_FILES } from '../runs/paths';
import { fromJobError, type CheckpointJob, type JobReply } from './checkpoint-job';

interface Waiting {
  resolve(dir: string): void;
  reject(error: Error): void;
  dir: string;
}

export class CheckpointWriter {
  private worker: Worker | null = null;
  private inFlight: Promise<string> | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  /** Waits for the write in flight (throwing its error), then hands `job` over and returns at once. */
  async submit(job: CheckpointJob): Promise<void> {
    await this.settled();
    const pending = this.post(job);
    // Reported by the next settled(); until then a rejection is not an unhandled one.
    pending.catch(() => undefined);
    this.inFlight = pending;
  }

  /** Resolves once no write is in flight; throws the error of the one that was, if it failed. */
  async settled(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = null;
    if (pending !== null) await pending;
  }

  /** Lets the write in flight finish (a failed run keeps its last checkpoint), then stops the thread. */
  async close(): Promise<void> {
    try {
      await this.settled();
    } catch {
      // Either already reported by settled() or the run is failing for another reason.
    } finally {
      const worker = this.worker;
      this.worker = null;
      if (worker !== null) await worker.terminate();
    }
  }

  private post(job: CheckpointJob): Promise<string> {
    const worker = this.start();
    const id = this.nextId++;
    const dir = path.join(job.runDir, RUN_FILES.checkpoints, checkpointDirName(job.packed.epoch));
    const done = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject, dir }));
    worker.ref();
    // The buffer moves to the worker rather than being copied: it is this job's own.
    worker.postMessage({ id, job }, [job.packed.weights.buffer as ArrayBuffer]);
    return done;
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = spawnWorker();
    worker.on('message', (reply: JobReply) => {
      const waiting = this.waiting.get(reply.id);
      if (waiting === undefined) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(fromJobError(reply.error, waiting.dir));
      else waiting.resolve(reply.dir);
    });
    const fail = (why: string) => {
      for (const { reject, dir } of this.waiting.values())
        reject(new Error(`cannot write the checkpoint ${dir}: the checkpoint writer ${why}`));
      this.waiting.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', (error) => fail(`failed (${error.message})`));
    worker.on('exit', (code) => fail(`exited (code ${code})`));
    // Idle, the thread must not keep the process alive; ref() while a job is in flight.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

/** The bundle's `checkpoint-worker.js` beside `trainer.js`; from source (tsx), the .ts through tsx's hook. */
function spawnWorker(): Worker {
  const file = path.join(__dirname, `checkpoint-worker${path.extname(__filename)}`);
  if (!file.endsWith('.ts')) return new Worker(file);
  const hook = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`, { eval: true });
}
