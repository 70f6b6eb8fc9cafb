// `mla eval`: re-evaluate a checkpoint of a run; writes its per-sample fusion records and prints the scores.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../core/backend/select';
import { acquireRunLock, RunLockedError, type RunLock } from '../../core/runs/lock';
import { backendChoiceForResume, readRunConfig, type RunConfigRecord } from '../../core/train/runner';
import { evaluateCheckpoint, type CheckpointChoice } from '../../core/train/evaluateCheckpoint';
import { UsageError, parseIndexList, parsePositiveInt } from '../args';
import { pct } from '../../shared/format';
import { EVAL_HELP } from '../usage';

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      samples: { type: 'string' },
      checkpoint: { type: 'string', default: 'best' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one run folder: mla eval <run-dir>');
  const runDir = path.resolve(positionals[0]);
  const checkpoint = parseCheckpointChoice(values.checkpoint);
  const samples = values.samples !== undefined ? parseIndexList(values.samples, '--samples') : undefined;
  const record = readRunConfig(runDir);
  const outOption = values.out !== undefined ? path.resolve(values.out) : undefined;
  // Writing into the run folder takes its lock, so eval never races a trainer or a delete there. With --out
  // outside it, eval only reads a checkpoint whose checksum it verifies, which is safe while a trainer runs.
  const lock = outOption === undefined || isInside(outOption, runDir) ? lockForEval(runDir) : null;
  try {
    return await evaluateInto(runDir, record, outOption, checkpoint, samples, values.json);
  } finally {
    lock?.release();
  }
}

function lockForEval(runDir: string): RunLock {
  try {
    return acquireRunLock(runDir, 'eval');
  } catch (error) {
    if (!(error instanceof RunLockedError)) throw error;
    throw new Error(
      `${error.message}; eval writes into the run folder only when the run is free: pass --out with a file outside it to evaluate a checkpoint now`,
    );
  }
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function evaluateInto(
  runDir: string,
  record: RunConfigRecord,
  outOption: string | undefined,
  checkpoint: CheckpointChoice,
  samples: number[] | undefined,
  json: boolean,
): Promise<number> {
  await selectBackend(backendChoiceForResume(record)).catch(() => selectBackend('auto'));
  const result = await evaluateCheckpoint(runDir, {
    checkpoint,
    samples,
    onProgress: (m) => {
      if (!json) process.stderr.write(`${m}…\n`);
    },
  });
  const out =
    outOption ?? path.join(runDir, 'eval', `fusion-epoch-${String(result.epoch).padStart(4, '0')}.jsonl`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, result.records.map((r) => JSON.stringify(r) + '\n').join(''));
  if (json) {
    const { records, ...scores } = result;
    process.stdout.write(JSON.stringify({ ...scores, records: samples ? records : undefined, out }) + '\n');
    return 0;
  }
  if (result.partial) {
    process.stderr.write(`note: epoch ${result.epoch}'s checkpoint was taken mid-epoch by a stop\n`);
  }
  const lines = [
    `checkpoint: epoch ${result.epoch} (${result.checkpointDir})`,
    `            ${'fused'.padStart(8)} ${result.order.map((m) => m.padStart(8)).join(' ')}  macro-F1`,
  ];
  for (const [name, s] of [
    ['val', result.val],
    ['test', result.test],
  ] as const) {
    lines.push(
      `${name.padEnd(11)} ${pct(s.fused).padStart(8)} ${result.order.map((m) => pct(s.unimodal[m]).padStart(8)).join(' ')}  ${s.macroF1.toFixed(3)}`,
    );
  }
  lines.push(`fusion records: ${out}`);
  process.stdout.write(lines.join('\n') + '\n');
  if (samples) for (const r of result.records) process.stdout.write(JSON.stringify(r) + '\n');
  return 0;
}

function parseCheckpointChoice(value: string): CheckpointChoice {
  if (value === 'best' || value === 'latest') return value;
  return parsePositiveInt(value, '--checkpoint');
}
