// The runs folder is created and proven writable before training, and a place that cannot hold run folders
// is named in the refusal (src/core/runs/runs-dir.ts).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ensureWritableRunsDir, RunsDirError } from '../../src/core/runs/runs-dir';
import { tempDir } from '../support/training';

describe('ensureWritableRunsDir', () => {
  it('creates a missing runs folder and leaves no probe behind', () => {
    const dir = path.join(tempDir('runs-dir'), 'a', 'b');
    ensureWritableRunsDir(dir);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('refuses a folder under /proc, naming it', () => {
    assert.throws(
      () => ensureWritableRunsDir('/proc/mla-runs'),
      (e: unknown) =>
        e instanceof RunsDirError &&
        e.message ===
          'cannot write run folders to /proc/mla-runs: /proc is a virtual file system, not storage',
    );
    assert.equal(fs.existsSync('/proc/mla-runs'), false);
  });

  it('refuses a folder that a symlink leads under /proc, naming where it leads', () => {
    const link = path.join(tempDir('runs-dir'), 'proc-link');
    fs.symlinkSync('/proc/self', link);
    const dir = path.join(link, 'runs');
    const real = path.join(fs.realpathSync(link), 'runs');
    assert.throws(() => ensureWritableRunsDir(dir), {
      message: `cannot write run folders to ${dir}: /proc is a virtual file system, not storage (the path leads to ${real})`,
    });
  });

  it('refuses a path through a file', () => {
    const file = path.join(tempDir('runs-dir'), 'plain.txt');
    fs.writeFileSync(file, 'x');
    const dir = path.join(file, 'runs');
    assert.throws(() => ensureWritableRunsDir(dir), {
      message: `cannot write run folders to ${dir}: a part of the path is a file, not a folder`,
    });
  });
});
