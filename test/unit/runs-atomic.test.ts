import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { readJsonFile, sweepTempFiles, writeJsonAtomic } from '../../src/core/runs/atomic';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-atomic-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('writeJsonAtomic replaces the file and leaves no temp file', () => {
  const file = path.join(root, 'status.json');
  writeJsonAtomic(file, { state: 'running', epoch: 1 });
  writeJsonAtomic(file, { state: 'completed', epoch: 2 });
  assert.deepEqual(readJsonFile(file), { state: 'completed', epoch: 2 });
  assert.deepEqual(fs.readdirSync(root), ['status.json']);
});

test('a leftover temp file of a killed writer changes nothing and is swept', () => {
  const dir = fs.mkdtempSync(path.join(root, 'left-'));
  const file = path.join(dir, 'summary.json');
  writeJsonAtomic(file, { bestEpoch: 3 });
  // A writer (another pid) killed mid-write leaves half a JSON document under a temp name.
  const leftover = path.join(dir, 'summary.json.tmp-999999-1');
  fs.writeFileSync(leftover, '{"bestEpoch": 4, "sec');
  assert.deepEqual(readJsonFile(file), { bestEpoch: 3 });
  writeJsonAtomic(file, { bestEpoch: 5 });
  assert.deepEqual(readJsonFile(file), { bestEpoch: 5 });
  // This process's own temp names are kept (a write may be in flight); the stranger's goes.
  const mine = path.join(dir, `summary.json.tmp-${process.pid}-77`);
  fs.writeFileSync(mine, '{');
  assert.deepEqual(sweepTempFiles(dir), ['summary.json.tmp-999999-1']);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['summary.json', `summary.json.tmp-${process.pid}-77`]);
});

test('readJsonFile names the file for a missing file and for bad JSON', () => {
  const missing = path.join(root, 'nope.json');
  assert.throws(() => readJsonFile(missing), { message: `${missing}: file not found` });
  const bad = path.join(root, 'bad.json');
  fs.writeFileSync(bad, '{"a": ');
  assert.throws(
    () => readJsonFile(bad),
    (e: Error) => e.message.startsWith(`${bad}: invalid JSON`),
  );
});
