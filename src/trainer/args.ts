// Command-line values and the error that means "the command line itself is wrong" (exit code 2).

import { readTextBoundedSync } from '../core/io/bounded-read';
import { fileErrorFrom } from '../core/io/file-error';
import { LIMITS } from '../core/io/limits';
import type { BackendChoice } from '../core/config/types';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export function parseBackend(value: string): BackendChoice {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new UsageError(`--backend: expected one of ${BACKENDS.join(', ')}, found "${value}"`);
  }
  return value as BackendChoice;
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag}: expected a whole number ≥ 1, found "${value}"`);
  }
  return n;
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 0xffffffff)
    throw new UsageError(`--seed: expected a whole number 0 ≤ N < 2^32, found "${value}"`);
  return n;
}

/** `3,5,10-12` → [3, 5, 10, 11, 12]. */
export function parseIndexList(value: string, flag: string): number[] {
  const out: number[] = [];
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a) throw new UsageError(`${flag}: range "${part}" ends before it starts`);
      for (let i = a; i <= b; i++) out.push(i);
    } else if (/^\d+$/.test(part)) {
      out.push(Number(part));
    } else {
      throw new UsageError(`${flag}: expected indices like 3,5,10-12, found "${part}"`);
    }
  }
  if (out.length === 0) throw new UsageError(`${flag}: expected at least one index`);
  return out;
}

/** The text of a config named on the command line; an unreadable file is a usage error, not a stack trace. */
export function readConfigText(file: string): string {
  try {
    return readTextBoundedSync(file, { limit: LIMITS.document, what: 'a config file' });
  } catch (error) {
    throw new UsageError(`${file}: cannot read the config (${fileErrorFrom(file, error).detail})`);
  }
}
