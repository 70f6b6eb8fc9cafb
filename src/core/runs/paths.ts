// Where run folders live and how they are named. Run ids sort by start time as plain strings, so a
// directory listing is already chronological, and they stay readable in a file explorer.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** File names inside a run folder (docs/formats.md, run folder). */
export const RUN_FILES = {
  config: 'config.json',
  status: 'status.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  fusion: 'fusion.jsonl',
  log: 'log.txt',
  checkpoints: 'checkpoints',
} as const;

/** Folders that mark a workspace root: the runs of every config below it share one `.mla/runs`. */
const WORKSPACE_MARKERS = ['.git', '.vscode', '.mla'];

/**
 * `.mla/runs` in the config's workspace: the nearest folder at or above the config's folder that holds
 * `.git`, `.vscode` or `.mla`; without one, the config's own folder.
 */
export function defaultRunsDir(configPath: string): string {
  const configDir = path.dirname(path.resolve(configPath));
  let dir = configDir;
  for (;;) {
    if (WORKSPACE_MARKERS.some((marker) => fs.existsSync(path.join(dir, marker)))) {
      return path.join(dir, '.mla', 'runs');
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(configDir, '.mla', 'runs');
    dir = parent;
  }
}

/** Lower-case letters, digits, `.`, `-`; anything else becomes `-`, so the id is safe on every filesystem. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60)
    .replace(/[-.]+$/g, '');
  return slug === '' ? 'run' : slug;
}

/**
 * `2026-11-27T10-04-05-123Z_handwritten-mla_s0`: UTC start time (fixed width, so string order is time order),
 * config name, seed. With `runsDir`, a suffix (`_p<pid>`, then `-2`, `-3`, ...) is added while the folder
 * already exists, e.g. two seeds started in the same millisecond by two processes.
 */
export function newRunId(configName: string, seed: number, now: Date, runsDir?: string): string {
  const stamp = now.toISOString().replace(/:/g, '-').replace('.', '-');
  const seedPart = Number.isInteger(seed) ? String(seed) : slugify(String(seed));
  const base = `${stamp}_${slugify(configName)}_s${seedPart}`;
  if (runsDir === undefined || !fs.existsSync(path.join(runsDir, base))) return base;
  const withPid = `${base}_p${process.pid}`;
  let candidate = withPid;
  for (let n = 2; fs.existsSync(path.join(runsDir, candidate)); n++) candidate = `${withPid}-${n}`;
  return candidate;
}
