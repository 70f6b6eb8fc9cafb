// The check of what a checkpoint's state.json says about the loop (its position, the optimizer's step
// counts and slots, the epoch record it carries) before resume trusts any of it: a damaged or hand-edited
// value gives a message with the file and the JSON pointer, never a TypeError or a silently wrong run.

import * as path from 'node:path';
import type { Checkpoint } from '../runs/checkpoint';
import { STATE_FILE, WEIGHTS_FILE } from '../runs/checkpoint';
import { Checker, isEpochRecordShape, isRecord } from '../runs/record-checks';

export function checkSnapshot(checkpoint: Checkpoint): void {
  const c = new Checker(path.join(checkpoint.dir, STATE_FILE));
  const count = (value: unknown, pointer: string): number =>
    Number.isSafeInteger(value) && (value as number) >= 0
      ? (value as number)
      : c.fail(pointer, 'an integer ≥ 0');
  const seconds = (value: unknown, pointer: string): void => {
    if (!(c.number(value, pointer) >= 0)) c.fail(pointer, 'a number ≥ 0');
  };

  const extra = c.object(checkpoint.extra, '/extra');
  const epochsDone = count(extra.epochsDone, '/extra/epochsDone');
  const nextBatch = count(extra.nextBatch, '/extra/nextBatch');
  // The folder's number is the epoch the checkpoint ends or, mid-epoch, the epoch it is inside.
  const label = nextBatch > 0 ? epochsDone + 1 : epochsDone;
  if (label !== checkpoint.epoch) {
    c.fail(
      '/extra/epochsDone',
      `consistent with the checkpoint's epoch ${checkpoint.epoch} (it says ${epochsDone} epochs done, next batch ${nextBatch})`,
    );
  }
  if (extra.partial !== null) {
    const partial = c.object(extra.partial, '/extra/partial');
    for (const [key, v] of Object.entries(partial)) {
      const at = `/extra/partial/${key}`;
      const sums = c.object(v, at);
      c.number(sums.loss, `${at}/loss`);
      count(sums.correct, `${at}/correct`);
      count(sums.rows, `${at}/rows`);
    }
  }
  for (const key of ['partialSeconds', 'trainSeconds', 'elapsed'] as const)
    seconds(extra[key], `/extra/${key}`);
  if (extra.record !== undefined) {
    const record = c.object(extra.record, '/extra/record');
    if (!isEpochRecordShape(record)) c.fail('/extra/record', 'an epoch record (type, epoch, val, test)');
    if (record.epoch !== epochsDone) c.fail('/extra/record/epoch', `${epochsDone} (the epochs done)`);
  }

  const optimizer = c.object(checkpoint.optimizer, '/optimizer');
  c.string(optimizer.type, '/optimizer/type');
  const steps = c.object(optimizer.steps, '/optimizer/steps');
  for (const [param, step] of Object.entries(steps)) count(step, `/optimizer/steps/${param}`);
  const slots = c.object(optimizer.slots, '/optimizer/slots');
  for (const [param, names] of Object.entries(slots)) c.strings(names, `/optimizer/slots/${param}`);
  if (checkpoint.hgm !== null && !isRecord(checkpoint.hgm)) c.fail('/hgm', 'an object or null');

  // The format keeps NaN bit-exactly, but a model to continue from never holds one.
  for (const tensor of checkpoint.tensors) {
    const bad = tensor.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(
        `${path.join(checkpoint.dir, WEIGHTS_FILE)}: tensor "${tensor.name}" holds ${tensor.values[bad]} at index ${bad}`,
      );
    }
  }
}
