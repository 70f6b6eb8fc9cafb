// The check of the training fields of a run's config.json that resume uses beyond what every reader checks
// (runs/run-config.ts): a hand-edited or damaged value is a message with the file and the JSON pointer,
// not a TypeError deep in the trainer.

import type { RunConfigRecord } from '../runs/run-config';
import { Checker } from '../runs/record-checks';

export function checkResumeConfig(record: RunConfigRecord, file: string): void {
  const c = new Checker(file);
  const raw = record as unknown as Record<string, unknown>;
  const positive = (value: unknown, pointer: string): void => {
    if (!Number.isSafeInteger(value) || (value as number) < 1) c.fail(pointer, 'an integer ≥ 1');
  };
  const training = c.object(raw.training, '/training');
  positive(training.epochs, '/training/epochs');
  positive(training.batchSize, '/training/batchSize');
  const valFraction = c.number(training.valFraction, '/training/valFraction');
  if (valFraction < 0 || valFraction >= 1) c.fail('/training/valFraction', 'a number in [0, 1)');
  const optimizer = c.object(training.optimizer, '/training/optimizer');
  c.string(optimizer.type, '/training/optimizer/type');
  if (!(c.number(optimizer.lr, '/training/optimizer/lr') > 0))
    c.fail('/training/optimizer/lr', 'a number > 0');
  c.string(c.object(training.lrSchedule, '/training/lrSchedule').type, '/training/lrSchedule/type');
  const model = c.object(raw.model, '/model');
  positive(model.featureDim, '/model/featureDim');
  const encoders = c.object(model.encoders, '/model/encoders');
  for (const [name, encoder] of Object.entries(encoders)) {
    c.string(c.object(encoder, `/model/encoders/${name}`).type, `/model/encoders/${name}/type`);
  }
  c.string(c.object(c.object(raw.mla, '/mla').hgm, '/mla/hgm').mode, '/mla/hgm/mode');
  c.object(raw.preprocess, '/preprocess');
  const run = c.object(raw.run, '/run');
  if (run.configHash !== undefined) c.string(run.configHash, '/run/configHash');
  if (run.dataHash !== undefined) {
    const parts = c.object(run.dataHash, '/run/dataHash');
    for (const [key, hash] of Object.entries(parts)) c.string(hash, `/run/dataHash/${key}`);
  }
}
