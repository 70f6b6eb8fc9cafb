// Which run folders a `mla compare` argument stands for: a run folder itself, a runs folder (every run in
// it), or a `*.mla.json` config (its runs in the config's default runs folder).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES, defaultRunsDir } from '../runs/paths';
import { listRunDirs, readRunWith, type RunInfo } from '../runs/reader';

/** The command line may write: a run whose trainer vanished is recorded as failed on the way. */
const readRun = (dir: string): Promise<RunInfo> => readRunWith(dir, { markVanished: true });

export async function collectRuns(args: readonly string[]): Promise<RunInfo[]> {
  const dirs: string[] = [];
  for (const arg of args) {
    const full = path.resolve(arg);
    if (full.endsWith('.mla.json')) {
      if (!fs.existsSync(full)) throw new Error(`${arg}: no such config`);
      const runsDir = defaultRunsDir(full);
      const mine: string[] = [];
      for (const dir of await listRunDirs(runsDir)) {
        const run = await readRun(dir);
        if (run.resolved !== null && path.resolve(run.resolved.run.configFile) === full) mine.push(dir);
      }
      if (mine.length === 0) throw new Error(`${arg}: no runs of this config in ${runsDir}`);
      dirs.push(...mine);
    } else if (fs.existsSync(path.join(full, RUN_FILES.config))) {
      dirs.push(full);
    } else if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
      const inside = await listRunDirs(full);
      if (inside.length === 0)
        throw new Error(`${arg}: neither a run folder (no config.json) nor a runs folder`);
      dirs.push(...inside);
    } else {
      throw new Error(`${arg}: expected a run folder, a runs folder or a *.mla.json config`);
    }
  }
  const runs: RunInfo[] = [];
  for (const dir of [...new Set(dirs)]) {
    const run = await readRun(dir);
    if (run.resolved === null)
      throw new Error(
        `${path.join(dir, RUN_FILES.config)}: not a trainer's config.json (${run.error ?? 'no run facts'})`,
      );
    runs.push(run);
  }
  return runs;
}
