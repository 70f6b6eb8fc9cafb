// Resume is exact or refused: a run whose data files or config.json changed since it started is refused
// with what changed, and the folder stays as it was; resuming a run that already completed changes nothing
// on disk, not even a time stamp.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import { resumeRun } from '../../src/core/train/runner';
import { backend, epochRecords, exampleWorkspace, loadConfig, tempDir, train } from '../support/training';

async function twoEpochRun(): Promise<{ runDir: string; dataDir: string }> {
  const ws = await exampleWorkspace();
  const config: ResolvedConfig = await loadConfig(ws.mla, (raw) => {
    (raw.training as Record<string, unknown>).epochs = 2;
  });
  const run = await train(config, 4, tempDir('changes'));
  assert.equal(run.state, 'completed');
  return { runDir: run.runDir, dataDir: path.join(ws.dir, 'data') };
}

async function resume(runDir: string, epochs?: number) {
  return resumeRun({ runDir, backend: await backend(), hooks: { shouldStop: () => false }, epochs });
}

/** Every file of the folder with its bytes and modification time. */
function folderState(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(full);
    const bytes = entry.isFile() ? fs.readFileSync(full).toString('base64') : 'folder';
    files.set(path.relative(dir, full), `${stat.mtimeMs} ${bytes}`);
  }
  return files;
}

function readRecord(runDir: string): RunConfigRecord {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')) as RunConfigRecord;
}

describe('resume after the inputs changed', () => {
  it('records the hashes of the config and of each part of the data at the start', async () => {
    const { runDir } = await twoEpochRun();
    const { run } = readRecord(runDir);
    assert.match(run.configHash ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(run.dataHash ?? {}).sort(), [
      'classes',
      'labels',
      'modality "medium"',
      'modality "strong"',
      'modality "weak"',
      'splits',
    ]);
  });

  it('refuses a resume after a data file changed, naming the modality, and changes nothing', async () => {
    const { runDir, dataDir } = await twoEpochRun();
    const file = path.join(dataDir, 'weak.npy');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 4] ^= 0x01; // the lowest mantissa bit of the last value
    fs.writeFileSync(file, bytes);
    const before = folderState(runDir);
    await assert.rejects(resume(runDir, 3), (error: Error) => {
      assert.match(error.message, /cannot resume, changed since the run started: the data's modality "weak"/);
      assert.ok(!error.message.includes('modality "strong"'), error.message);
      assert.ok(!error.message.includes('labels'), error.message);
      return true;
    });
    assert.deepEqual(folderState(runDir), before);
  });

  it('refuses a resume after config.json changed, and changes nothing', async () => {
    const { runDir } = await twoEpochRun();
    const record = readRecord(runDir);
    record.training.optimizer.lr *= 2;
    fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify(record, null, 2));
    const before = folderState(runDir);
    await assert.rejects(resume(runDir, 3), /changed since the run started: config\.json/);
    assert.deepEqual(folderState(runDir), before);
  });

  it('still continues when only the epoch count is raised', async () => {
    const { runDir } = await twoEpochRun();
    const resumed = await resume(runDir, 3);
    assert.equal(resumed.state, 'completed');
    assert.deepEqual(
      epochRecords(runDir).map((r) => r.epoch),
      [1, 2, 3],
    );
  });

  it('resuming a completed run changes nothing on disk', async () => {
    const { runDir } = await twoEpochRun();
    const before = folderState(runDir);
    const again = await resume(runDir);
    assert.equal(again.state, 'completed');
    assert.equal(again.summary?.epochs, 2);
    const same = await resume(runDir, 2);
    assert.equal(same.state, 'completed');
    assert.deepEqual(folderState(runDir), before);
  });
});
