// Inflating `.csv.gz` with a ceiling: a few MB of gzip can hold gigabytes of zeros, so inflation stops at a
// ratio of the compressed size (never below a floor) and at an absolute cap, and the message names both.

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { byteSize } from './byte-size';
import { FileAccessError } from './file-error';
import { GZIP_LIMITS, type GzipLimits } from './limits';

const gunzipAsync = promisify(gunzip);

/** The most `compressedBytes` of gzip may inflate to under `limits`. */
export function inflatedLimit(compressedBytes: number, limits: GzipLimits = GZIP_LIMITS): number {
  return Math.min(limits.cap, Math.max(limits.floor, limits.ratio * compressedBytes));
}

/** Inflates on the thread pool; `file` names the source in messages. */
export async function gunzipBounded(
  bytes: Uint8Array,
  file: string,
  limits: GzipLimits = GZIP_LIMITS,
): Promise<Buffer> {
  const limit = inflatedLimit(bytes.length, limits);
  try {
    return await gunzipAsync(bytes, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FileAccessError(
        file,
        'inflate-limit',
        `gzip data inflates to more than ${byteSize(limit)}, the limit for this file ` +
          `(${limits.ratio}× its ${byteSize(bytes.length)} compressed, at least ${byteSize(limits.floor)}, ` +
          `at most ${byteSize(limits.cap)}); store it uncompressed or as .npy`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new FileAccessError(file, 'not-gzip', `not a readable gzip file (${reason})`);
  }
}
