import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { defaultRunsDir, newRunId, slugify } from '../../src/core/runs/paths';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-paths-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('defaultRunsDir walks up to the nearest folder with .git, .vscode or .mla', () => {
  const ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'configs', 'deep'), { recursive: true });
  assert.equal(defaultRunsDir(path.join(ws, 'configs', 'deep', 'a.mla.json')), path.join(ws, '.mla', 'runs'));

  const inner = path.join(ws, 'sub');
  fs.mkdirSync(path.join(inner, '.vscode'), { recursive: true });
  assert.equal(defaultRunsDir(path.join(inner, 'b.mla.json')), path.join(inner, '.mla', 'runs'));
});

test('defaultRunsDir falls back to the config folder when no marker is above it', () => {
  // Above os.tmpdir() there may be a marker on some machines: then that folder must really hold one.
  const lonely = fs.mkdtempSync(path.join(root, 'lonely-'));
  const probe = defaultRunsDir(path.join(lonely, 'c.mla.json'));
  if (probe !== path.join(lonely, '.mla', 'runs')) {
    const ws = path.dirname(path.dirname(probe));
    assert.ok(
      ['.git', '.vscode', '.mla'].some((m) => fs.existsSync(path.join(ws, m))),
      probe,
    );
    assert.ok(lonely.startsWith(ws + path.sep), probe);
  }
  // With a .mla folder made right here, it is chosen whatever lies above.
  fs.mkdirSync(path.join(lonely, '.mla'));
  assert.equal(defaultRunsDir(path.join(lonely, 'c.mla.json')), path.join(lonely, '.mla', 'runs'));
});

test('newRunId is readable and filesystem-safe', () => {
  const id = newRunId('Handwritten MLA: v2/test', 0, new Date(Date.UTC(2026, 10, 27, 10, 4, 5, 123)));
  assert.equal(id, '2026-11-27T10-04-05-123Z_handwritten-mla-v2-test_s0');
  assert.match(id, /^[A-Za-z0-9._-]+$/);
  assert.equal(slugify('***'), 'run');
});

test('newRunId sorts by start time as a plain string', () => {
  const times = [
    Date.UTC(2026, 0, 1, 9, 59, 59, 999),
    Date.UTC(2026, 0, 1, 10, 0, 0, 0),
    Date.UTC(2026, 0, 1, 10, 0, 0, 5),
    Date.UTC(2026, 11, 31, 23, 0, 0, 0),
  ];
  const ids = times.map((t, i) => newRunId(i % 2 === 0 ? 'zeta' : 'alpha', i, new Date(t)));
  assert.deepEqual([...ids].sort(), ids);
});

test('newRunId adds a suffix while the folder exists', () => {
  const runsDir = path.join(root, 'runs');
  const now = new Date(Date.UTC(2026, 10, 27, 10, 4, 5, 123));
  const first = newRunId('x', 1, now, runsDir);
  fs.mkdirSync(path.join(runsDir, first), { recursive: true });
  const second = newRunId('x', 1, now, runsDir);
  assert.equal(second, `${first}_p${process.pid}`);
  fs.mkdirSync(path.join(runsDir, second));
  const third = newRunId('x', 1, now, runsDir);
  assert.equal(third, `${first}_p${process.pid}-2`);
  assert.equal(new Set([first, second, third]).size, 3);
});
