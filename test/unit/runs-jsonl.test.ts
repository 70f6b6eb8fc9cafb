import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { JsonlAppender, JsonlTail, readJsonl } from '../../src/core/runs/jsonl';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-jsonl-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(root, `f${++n}.jsonl`);

interface Rec {
  i: number;
  s?: string;
}

test('readJsonl skips a corrupt middle line and a half-written tail, and counts them', () => {
  const file = fresh();
  fs.writeFileSync(file, '{"i":1}\n{"i":2,"s":"x\n\n[1,2]\r\n{"i":3}\r\n{"i":4,"s":"ha');
  const r = readJsonl<Rec>(file);
  assert.deepEqual(r.records, [{ i: 1 }, { i: 3 }]);
  assert.equal(r.partialTail, true);
  assert.equal(r.corrupt, 2);
  assert.deepEqual(r.corruptLines, [2, 4]);
});

test('readJsonl keeps a whole last object that lacks only its newline', () => {
  const file = fresh();
  fs.writeFileSync(file, '{"i":1}\n{"i":2}');
  const r = readJsonl<Rec>(file);
  assert.deepEqual(r.records, [{ i: 1 }, { i: 2 }]);
  assert.equal(r.partialTail, false);
  assert.equal(r.corrupt, 0);
});

test('JsonlAppender writes each line through at once and ends a dangling fragment on reopen', () => {
  const file = fresh();
  const a = new JsonlAppender(file);
  a.append({ i: 1 });
  // Visible to another reader before close: nothing waits in a user-space buffer.
  assert.equal(fs.readFileSync(file, 'utf8'), '{"i":1}\n');
  a.close();
  fs.appendFileSync(file, '{"i":2,"s":"kil'); // a run killed mid-line
  const b = new JsonlAppender(file);
  b.append({ i: 3 });
  b.close();
  const r = readJsonl<Rec>(file);
  assert.deepEqual(r.records, [{ i: 1 }, { i: 3 }]);
  assert.equal(r.corrupt, 1);
  assert.equal(r.partialTail, false);
  assert.throws(() => b.append({ i: 4 }), /write after close/);
});

test('JsonlTail returns only new complete lines and keeps an unfinished one for later', () => {
  const file = fresh();
  const tail = new JsonlTail<Rec>(file);
  assert.deepEqual(tail.poll(), []); // the file does not exist yet
  fs.writeFileSync(file, '{"i":1}\n{"i":2}\n{"i":3,');
  assert.deepEqual(tail.poll(), [{ i: 1 }, { i: 2 }]);
  assert.deepEqual(tail.poll(), []);
  fs.appendFileSync(file, '"s":"é');
  assert.deepEqual(tail.poll(), []);
  fs.appendFileSync(file, 'à"}\nnot json\n{"i":4}\n');
  assert.deepEqual(tail.poll(), [{ i: 3, s: 'éà' }, { i: 4 }]);
  assert.equal(tail.corrupt, 1);
});

test('JsonlTail splits a multi-byte character cut between polls correctly', () => {
  const file = fresh();
  const tail = new JsonlTail<Rec>(file);
  const line = Buffer.from('{"i":5,"s":"µ€"}\n', 'utf8');
  const cut = line.indexOf(Buffer.from('€', 'utf8')) + 1; // inside the 3-byte euro sign
  fs.writeFileSync(file, line.subarray(0, cut));
  assert.deepEqual(tail.poll(), []);
  fs.appendFileSync(file, line.subarray(cut));
  assert.deepEqual(tail.poll(), [{ i: 5, s: 'µ€' }]);
});

test('JsonlTail starts over after a truncation and after the file is replaced', () => {
  const file = fresh();
  const tail = new JsonlTail<Rec>(file);
  fs.writeFileSync(file, '{"i":1}\n{"i":2}\n');
  assert.deepEqual(tail.pollChanges(), { records: [{ i: 1 }, { i: 2 }], restarted: false });

  fs.truncateSync(file, 0);
  fs.appendFileSync(file, '{"i":10}\n');
  assert.deepEqual(tail.pollChanges(), { records: [{ i: 10 }], restarted: true });

  // Replaced by rename with a longer file: same name, new inode.
  const other = `${file}.new`;
  fs.writeFileSync(other, '{"i":20}\n{"i":21}\n{"i":22}\n');
  fs.renameSync(other, file);
  assert.deepEqual(tail.pollChanges(), { records: [{ i: 20 }, { i: 21 }, { i: 22 }], restarted: true });

  // Rewritten in place, same inode, at least as long as before: the first bytes differ.
  fs.writeFileSync(file, '{"i":30}\n{"i":31}\n{"i":32}\n{"i":33}\n');
  assert.deepEqual(tail.pollChanges(), {
    records: [{ i: 30 }, { i: 31 }, { i: 32 }, { i: 33 }],
    restarted: true,
  });

  fs.appendFileSync(file, '{"i":34}\n');
  assert.deepEqual(tail.pollChanges(), { records: [{ i: 34 }], restarted: false });

  fs.rmSync(file);
  assert.deepEqual(tail.pollChanges(), { records: [], restarted: true });
  fs.writeFileSync(file, '{"i":40}\n');
  assert.deepEqual(tail.pollChanges(), { records: [{ i: 40 }], restarted: false });
});
