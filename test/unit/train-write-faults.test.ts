// No finished epoch is lost: the trainer (the bundled `mla`, a real child process) is killed with SIGKILL
// right after each step of an epoch's write sequence, resumed, and must leave the same metrics, summary and
// fusion records as a run that was never interrupted.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunSummary } from '../../src/core/runs/types';
import { EPOCH_WRITE_STEPS, FAULT_ENV } from '../../src/core/train/fault-point';
import { ensureBuilt } from '../support/bundle';
import { epochRecords, exampleWorkspace, REPO, tempDir, timeless } from '../support/training';

const BIN = path.join(REPO, 'bin', 'mla.js');
const EPOCHS = 3;
/** Every epoch of the example's first 3 is its best so far, so epoch 2 rewrites fusion.jsonl too. */
const FAULT_EPOCH = 2;

function mla(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

function trainInto(runsDir: string, config: string, env: Record<string, string> = {}) {
  const r = mla(['train', config, '--epochs', String(EPOCHS), '--seed', '0', '--runs-dir', runsDir], env);
  const names = fs.readdirSync(runsDir);
  assert.equal(names.length, 1, `one run folder in ${runsDir}`);
  return { ...r, runDir: path.join(runsDir, names[0]) };
}

/** What a resumed run must reproduce: everything but the clock and the (unique) run id. */
function outcome(runDir: string) {
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const { seconds: _s, wallSeconds: _w, samplesPerSecond: _p, ...scores } = summary;
  return {
    epochs: epochRecords(runDir).map(timeless),
    summary: scores,
    fusion: fs.readFileSync(path.join(runDir, 'fusion.jsonl'), 'utf8'),
  };
}

let config: string;
let reference: ReturnType<typeof outcome>;

before(async () => {
  ensureBuilt();
  config = (await exampleWorkspace()).mla;
  const straight = trainInto(tempDir('faults-ref'), config);
  assert.equal(straight.code, 0, straight.stderr);
  reference = outcome(straight.runDir);
  assert.equal(reference.epochs.length, EPOCHS);
  assert.ok(reference.epochs[FAULT_EPOCH - 1].best, 'the faulted epoch is a best epoch');
});

describe('a trainer killed inside the epoch write sequence', () => {
  for (const step of EPOCH_WRITE_STEPS) {
    it(`resumes to the uninterrupted run after a kill right after "${step}"`, () => {
      const killed = trainInto(tempDir(`faults-${step}`), config, { [FAULT_ENV]: `${step}@${FAULT_EPOCH}` });
      assert.equal(killed.signal, 'SIGKILL', `the fault point fired: ${killed.stderr}`);
      const before = epochRecords(killed.runDir).length;
      // The metrics line goes before the checkpoint is handed to the writer thread (fault-point.ts).
      assert.equal(before, step === 'fusion' ? FAULT_EPOCH - 1 : FAULT_EPOCH);
      const resumed = mla(['train', '--resume', killed.runDir]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(outcome(killed.runDir), reference);
    });
  }
});
