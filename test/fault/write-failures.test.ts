// Every write failure ends the run with one line naming the file and the errno, and exit 1: a runs folder on
// a tmpfs that fills up during training (ENOSPC), and a read-only one (EROFS). The mounts need root (CI runs
// as root); where mounting is refused the tests skip with the reason.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { readJsonl } from '../../src/core/runs/jsonl';
import type { MetricsRecord, RunStatus } from '../../src/core/runs/types';
import { ensureBuilt } from '../support/bundle';
import { BIN } from '../support/cli';
import { exampleWorkspace, REPO, tempDir } from '../support/training';

const mounts: string[] = [];
after(() => {
  for (const dir of mounts) execFileSync('umount', ['-l', dir]);
});

/** A fresh 1 MiB tmpfs, or the reason there can be none here. */
function smallTmpfs(options = 'rw'): string | { skip: string } {
  const dir = tempDir('tmpfs');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=1m,${options}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    const why = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
    return { skip: `cannot mount a tmpfs here (${why}); CI runs this tier as root` };
  }
  mounts.push(dir);
  return dir;
}

function train(config: string, runsDir: string) {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=256',
      BIN,
      'train',
      config,
      '--epochs',
      '100000',
      '--seed',
      '0',
      '--runs-dir',
      runsDir,
      '--quiet',
    ],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, exited };
}

const runFolder = (runsDir: string): string | null => {
  const names = fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : [];
  return names.length === 1 ? path.join(runsDir, names[0]) : null;
};

const epochCount = (runDir: string): number =>
  readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl')).records.filter((r) => r.type === 'epoch')
    .length;

/** The failure line the CLI prints for a seed. */
const failureLine = (stderr: string): string | undefined =>
  stderr.split('\n').find((l) => l.startsWith('seed 0: failed: '));

let config: string;

before(async () => {
  ensureBuilt();
  config = (await exampleWorkspace()).mla;
});

describe('write failures end the run with the file and the errno', () => {
  it('a runs folder that fills up: exit 1, ENOSPC named, status failed', async (t: TestContext) => {
    const disk = smallTmpfs();
    if (typeof disk !== 'string') return t.skip(disk.skip);
    // Leave about 400 KiB: the run fills it within some epochs, not hundreds.
    fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(600 * 1024, 1));
    const runsDir = path.join(disk, 'runs');
    const { exited } = train(config, runsDir);
    const { code, stderr } = await exited;
    assert.equal(code, 1, stderr);
    const runDir = runFolder(runsDir);
    assert.ok(runDir, stderr);
    const line = failureLine(stderr);
    assert.match(
      line ?? stderr,
      new RegExp(`^seed 0: failed: cannot write ${runDir}/\\S+: no space left on the device \\(ENOSPC\\)$`),
    );
    const status = JSON.parse(fs.readFileSync(path.join(runDir, 'status.json'), 'utf8')) as RunStatus;
    assert.equal(status.state, 'failed');
    assert.equal(`seed 0: failed: ${status.error}`, line);
    assert.doesNotMatch(fs.readFileSync(path.join(runDir, 'log.txt'), 'utf8'), /\n\S+\s+at /);
    // Every epoch it recorded is whole and in order.
    const records = readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl'));
    assert.equal(records.corrupt, 0);
    assert.ok(epochCount(runDir) >= 1);
  });

  it('a read-only runs folder: exit 1 before any run folder, EROFS named', async (t: TestContext) => {
    const disk = smallTmpfs('ro');
    if (typeof disk !== 'string') return t.skip(disk.skip);
    const { code, stderr } = await train(config, disk).exited;
    assert.equal(code, 1, stderr);
    assert.equal(stderr, `mla train: cannot write run folders to ${disk}: the file system is read-only\n`);
    assert.deepEqual(fs.readdirSync(disk), []);
  });
});
