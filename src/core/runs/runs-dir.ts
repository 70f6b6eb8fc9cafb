// The folder run folders go into, made and proven writable before any training starts: a runs folder under
// /proc, on a read-only mount or without permission would otherwise fail deep inside the first run.

import * as fs from 'node:fs';
import * as path from 'node:path';

export class RunsDirError extends Error {
  constructor(
    readonly dir: string,
    detail: string,
  ) {
    super(`cannot write run folders to ${dir}: ${detail}`);
    this.name = 'RunsDirError';
  }
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException | null;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'ENOENT':
      return 'the folder cannot be created there';
    default:
      return e?.code ?? String(error);
  }
}

/** Creates `dir` (and its parents) and writes and removes a probe file there; throws RunsDirError if it cannot. */
export function ensureWritableRunsDir(dir: string): void {
  // Pseudo-filesystems accept some writes that go nowhere (or never end): refuse them outright.
  const resolved = path.resolve(dir);
  // Through symlinks too: `/tmp/link/runs` with `/tmp/link -> /proc/self` is under /proc.
  for (const place of new Set([resolved, realPathOfExistingPart(resolved)])) {
    for (const virtual of ['/proc', '/sys', '/dev']) {
      if (place === virtual || place.startsWith(virtual + '/'))
        throw new RunsDirError(
          dir,
          `${virtual} is a virtual file system, not storage${place === resolved ? '' : ` (the path leads to ${place})`}`,
        );
    }
  }
  try {
    fs.mkdirSync(resolved, { recursive: true });
    if (!fs.statSync(resolved).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    const probe = path.join(resolved, `.mla-write-probe-${process.pid}`);
    fs.writeFileSync(probe, '', { flag: 'wx' });
    fs.unlinkSync(probe);
  } catch (error) {
    throw new RunsDirError(dir, reason(error));
  }
}

/** Where `dir` really is: the real path of its longest existing ancestor, with the rest appended. */
function realPathOfExistingPart(dir: string): string {
  let existing = dir;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return dir;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}
