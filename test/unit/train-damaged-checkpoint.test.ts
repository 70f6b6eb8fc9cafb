// A damaged checkpoint is never trusted: resume refuses a state.json with a wrong or absurd value, a
// weights.bin whose bytes changed, and a config.json with a mistyped training field, naming the file and
// the field and leaving the run folder as it was; a damaged newest checkpoint is passed over for an older
// intact one, which continues exactly.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import { checkpointDirName, listCheckpoints } from '../../src/core/runs/checkpoint';
import { resumeRun } from '../../src/core/train/runner';
import { SUPERSEDED_METRICS } from '../../src/core/train/resume-history';
import {
  backend,
  epochRecords,
  exampleWorkspace,
  loadConfig,
  tempDir,
  timeless,
  train,
} from '../support/training';

let mla: ResolvedConfig;

before(async () => {
  const ws = await exampleWorkspace();
  mla = await loadConfig(ws.mla, (raw) => {
    (raw.training as Record<string, unknown>).epochs = 2;
  });
});

async function resume(runDir: string, epochs?: number) {
  return resumeRun({ runDir, backend: await backend(), hooks: { shouldStop: () => false }, epochs });
}

/** Every file of the run folder with its bytes, to show a refused resume changed nothing. */
function snapshotFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full), fs.readFileSync(full).toString('base64'));
  }
  return files;
}

function editJson(file: string, edit: (doc: Record<string, unknown>) => void): void {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(doc);
  fs.writeFileSync(file, JSON.stringify(doc));
}

type Doc = Record<string, Record<string, unknown>>;

const STATE_EDITS: [string, (doc: Doc) => void, RegExp][] = [
  ['epochsDone 1e9', (d) => (d.extra.epochsDone = 1e9), /\/extra\/epochsDone must be consistent/],
  ['epochsDone missing', (d) => delete d.extra.epochsDone, /\/extra\/epochsDone must be an integer ≥ 0/],
  ['nextBatch a string', (d) => (d.extra.nextBatch = '3'), /\/extra\/nextBatch must be an integer ≥ 0/],
  ['trainSeconds negative', (d) => (d.extra.trainSeconds = -1), /\/extra\/trainSeconds must be a number ≥ 0/],
  ['optimizer steps wrong', (d) => (d.optimizer.steps = { w: 'x' }), /\/optimizer\/steps\/w must be/],
  ['record of another epoch', (d) => ((d.extra.record as Doc[string]).epoch = 7), /\/extra\/record\/epoch/],
  ['an unexpected checksum', (d) => ((d as Record<string, unknown>).weightsSha256 = 'x'), /\/weightsSha256/],
];

describe('resume from a damaged checkpoint', () => {
  for (const [what, edit, message] of STATE_EDITS) {
    it(`refuses a state.json with ${what}, naming the file and the field, and changes nothing`, async () => {
      const run = await train(mla, 1, tempDir('damaged-state'));
      const [ref] = listCheckpoints(run.runDir);
      const stateFile = path.join(ref.dir, 'state.json');
      editJson(stateFile, (d) => edit(d as Doc));
      const before = snapshotFolder(run.runDir);
      await assert.rejects(resume(run.runDir, 3), (error: Error) => {
        assert.ok(error.message.includes(stateFile), error.message);
        assert.match(error.message, message);
        return true;
      });
      assert.deepEqual(snapshotFolder(run.runDir), before);
      assert.equal(epochRecords(run.runDir).length, 2);
    });
  }

  it('refuses a state.json that is not JSON, naming the file', async () => {
    const run = await train(mla, 1, tempDir('damaged-json'));
    const stateFile = path.join(listCheckpoints(run.runDir)[0].dir, 'state.json');
    fs.writeFileSync(stateFile, '{"epoch": 2,');
    await assert.rejects(resume(run.runDir, 3), new RegExp(`${stateFile}: invalid JSON`));
    assert.equal(epochRecords(run.runDir).length, 2);
  });

  it('refuses a weights.bin with one flipped bit (same size) by its checksum', async () => {
    const run = await train(mla, 1, tempDir('damaged-weights'));
    const weights = path.join(listCheckpoints(run.runDir)[0].dir, 'weights.bin');
    const bytes = fs.readFileSync(weights);
    bytes[100] ^= 0x01;
    fs.writeFileSync(weights, bytes);
    const before = snapshotFolder(run.runDir);
    await assert.rejects(
      resume(run.runDir, 3),
      new RegExp(`${weights}: damaged \\(its sha256 is [0-9a-f]{64}`),
    );
    assert.deepEqual(snapshotFolder(run.runDir), before);
  });

  it('refuses weights holding NaN even when the checksum was recomputed to match', async () => {
    const run = await train(mla, 1, tempDir('nan-weights'));
    const dir = listCheckpoints(run.runDir)[0].dir;
    const weights = path.join(dir, 'weights.bin');
    const bytes = fs.readFileSync(weights);
    bytes.writeFloatLE(NaN, 8);
    fs.writeFileSync(weights, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    editJson(path.join(dir, 'state.json'), (d) => (d.weightsSha256 = sha));
    await assert.rejects(resume(run.runDir, 3), new RegExp(`${weights}: tensor ".+" holds NaN at index 2`));
    assert.equal(epochRecords(run.runDir).length, 2);
  });

  it('refuses a config.json with a mistyped training field, naming the file and the field', async () => {
    const run = await train(mla, 1, tempDir('damaged-config'));
    const configFile = path.join(run.runDir, 'config.json');
    editJson(configFile, (d) => ((d.training as Record<string, unknown>).batchSize = '32'));
    const before = snapshotFolder(run.runDir);
    await assert.rejects(
      resume(run.runDir, 3),
      new RegExp(`${configFile}: /training/batchSize must be an integer ≥ 1`),
    );
    assert.deepEqual(snapshotFolder(run.runDir), before);
  });

  it('passes over a damaged newest checkpoint for an older intact one and continues exactly', async () => {
    const straight = await train(
      { ...mla, training: { ...mla.training, epochs: 4 } },
      5,
      tempDir('fallback-ref'),
    );
    const runs = tempDir('fallback');
    const kept = tempDir('fallback-kept');
    // Pruning keeps only the newest (every epoch is the best so far): train 2 epochs, keep epoch 2's
    // checkpoint aside, then go on to 3 (resume is exact, as the tests above check).
    const run = await train({ ...mla, training: { ...mla.training, epochs: 2 } }, 5, runs);
    const second = path.join(run.runDir, 'checkpoints', checkpointDirName(2));
    fs.cpSync(second, path.join(kept, checkpointDirName(2)), { recursive: true });
    assert.equal((await resume(run.runDir, 3)).state, 'completed');
    const checkpoints = path.join(run.runDir, 'checkpoints');
    fs.cpSync(path.join(kept, checkpointDirName(2)), path.join(checkpoints, checkpointDirName(2)), {
      recursive: true,
    });
    const newest = path.join(checkpoints, checkpointDirName(3), 'weights.bin');
    fs.truncateSync(newest, 8);
    const third = epochRecords(run.runDir)[2];

    const resumed = await resume(run.runDir, 4);
    assert.equal(resumed.state, 'completed');
    const plan = (r: ReturnType<typeof timeless>) => ({ ...r, epochs: 0 });
    assert.deepEqual(
      epochRecords(run.runDir).map(timeless).map(plan),
      epochRecords(straight.runDir).map(timeless).map(plan),
    );
    const log = fs.readFileSync(path.join(run.runDir, 'log.txt'), 'utf8');
    assert.ok(log.includes(`passed over a damaged checkpoint: ${newest}`), log);
    // The line of epoch 3 that was trained again is kept, not deleted.
    const superseded = fs.readFileSync(path.join(run.runDir, SUPERSEDED_METRICS), 'utf8').trim().split('\n');
    assert.deepEqual(
      superseded.map((l) => JSON.parse(l) as unknown),
      [third],
    );
  });

  it('fails naming every checkpoint when none is intact, and changes nothing', async () => {
    const run = await train(mla, 1, tempDir('none-intact'));
    const weights = path.join(listCheckpoints(run.runDir)[0].dir, 'weights.bin');
    fs.truncateSync(weights, 4);
    const before = snapshotFolder(run.runDir);
    await assert.rejects(resume(run.runDir, 3), new RegExp(`no intact checkpoint: ${weights}: 4 bytes`));
    assert.deepEqual(snapshotFolder(run.runDir), before);
  });
});
