// Whole-file writes that a concurrent reader sees either before or after, never half-way: write a temp
// file in the same folder (same filesystem, so rename is atomic), fsync it, rename it over the target.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextBoundedSync } from '../io/bounded-read';
import { fileErrorFrom } from '../io/file-error';
import { LIMITS } from '../io/limits';
import { asWriteError } from '../io/write-error';

let tempCounter = 0;

/** `<file>.tmp-<pid>-<n>`: unique per process and call, and recognisable by `sweepTempFiles`. */
export function tempPathFor(file: string): string {
  tempCounter += 1;
  return `${file}.tmp-${process.pid}-${tempCounter}`;
}

const TEMP_PATTERN = /\.tmp-(\d+)-\d+$/;

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temp = tempPathFor(file);
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    renameWithRetry(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw asWriteError(file, error);
  }
  fsyncDirBestEffort(path.dirname(file));
}

/** Pretty-printed JSON (people open these files), written atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

export class JsonFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'JsonFileError';
  }
}

/**
 * Parses a JSON file of a run folder (config.json, status.json, summary.json); a missing, oversized or
 * non-regular file or bad JSON becomes a `JsonFileError` naming the file.
 */
export function readJsonFile(file: string, limit: number = LIMITS.document): unknown {
  let text: string;
  try {
    text = readTextBoundedSync(file, { limit, what: 'a run-folder JSON file' });
  } catch (error) {
    throw new JsonFileError(file, fileErrorFrom(file, error).detail);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonFileError(file, `invalid JSON (${(error as Error).message})`);
  }
}

/**
 * Removes temp files left by writers that were killed mid-write. Temp files of this process are kept,
 * because one of its writes may be in flight. Returns the removed names.
 */
export function sweepTempFiles(dir: string): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const match = TEMP_PATTERN.exec(name);
    if (match === null || Number(match[1]) === process.pid) continue;
    const full = path.join(dir, name);
    if (!fs.statSync(full).isFile()) continue;
    fs.rmSync(full, { force: true });
    removed.push(name);
  }
  return removed;
}

/** Makes a rename durable on Linux/macOS; Windows cannot open folders for fsync, and does not need it. */
export function fsyncDirBestEffort(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported here (Windows, some network filesystems): the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * On Windows a rename over a file that a reader holds open fails briefly with EPERM/EACCES/EBUSY;
 * the dashboard reads these files often, so retry for a short while instead of failing the run.
 */
export function renameWithRetry(from: string, to: string): void {
  const retryable = new Set(['EPERM', 'EACCES', 'EBUSY']);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !retryable.has(code) || attempt >= 20) throw error;
      sleepSync(10 * (attempt + 1));
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
