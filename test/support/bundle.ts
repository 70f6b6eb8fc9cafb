// The bundled `mla` for tests that run it: scripts/test-all.sh builds before the unit tier, so a test
// rebuilds only when the bundle is older than the sources (a standalone run after an edit).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './training';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

export function ensureBuilt(): void {
  const bundle = path.join(REPO, 'dist', 'trainer.js');
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newest(path.join(REPO, 'src'))) return;
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
}
