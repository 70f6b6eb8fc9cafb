// Whole-file reads with a ceiling: the size is checked on the open descriptor before any byte is read, so an
// oversized file costs nothing, and at most that many bytes are read even if the file grows meanwhile.

import * as fs from 'node:fs';
import { byteSize } from './byte-size';
import { FileAccessError, fileErrorFrom } from './file-error';
import { openRegularFile, openRegularFileSync } from './regular-file';

/** What may be read of one kind of file, and how the kind is named when a file is refused. */
export interface ReadLimit {
  /** Bytes. */
  limit: number;
  /** E.g. `a config file`, for "… is more than the 8 MiB allowed for a config file". */
  what: string;
}

/** Throws the too-large FileAccessError when `size` is over the limit. */
export function refuseIfLarger(file: string, size: number, { limit, what }: ReadLimit): void {
  if (size <= limit) return;
  throw new FileAccessError(
    file,
    'too-large',
    `${byteSize(size)} is more than the ${byteSize(limit)} allowed for ${what}`,
  );
}

export function readBoundedSync(file: string, limit: ReadLimit): Buffer {
  const { fd, stats } = openRegularFileSync(file);
  try {
    refuseIfLarger(file, stats.size, limit);
    const buffer = Buffer.allocUnsafe(stats.size);
    let done = 0;
    while (done < buffer.length) {
      const n = fs.readSync(fd, buffer, done, buffer.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } catch (error) {
    throw fileErrorFrom(file, error);
  } finally {
    fs.closeSync(fd);
  }
}

export async function readBounded(file: string, limit: ReadLimit): Promise<Buffer> {
  const { handle, stats } = await openRegularFile(file);
  try {
    refuseIfLarger(file, stats.size, limit);
    const buffer = Buffer.allocUnsafe(stats.size);
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await handle.read(buffer, done, buffer.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buffer.subarray(0, done);
  } catch (error) {
    throw fileErrorFrom(file, error);
  } finally {
    await handle.close();
  }
}

/**
 * Why `file` must not be handed to a reader outside this module (an editor opening it): not a regular file,
 * or over the limit. Null when it may be read.
 */
export function refusalToRead(file: string, limit: ReadLimit): FileAccessError | null {
  try {
    const { fd, stats } = openRegularFileSync(file);
    fs.closeSync(fd);
    refuseIfLarger(file, stats.size, limit);
    return null;
  } catch (error) {
    return fileErrorFrom(file, error);
  }
}

/** A JSON or text document (limits far below the longest string V8 can hold); bad UTF-8 becomes U+FFFD. */
export function readTextBoundedSync(file: string, limit: ReadLimit): string {
  return readBoundedSync(file, limit).toString('utf8');
}

export async function readTextBounded(file: string, limit: ReadLimit): Promise<string> {
  return (await readBounded(file, limit)).toString('utf8');
}

/**
 * Up to `length` bytes from `position` of a regular file, for readers that follow a growing file. The
 * descriptor's identity and size come back with them so the caller can notice a replaced or cut file.
 */
export function readRangeSync(
  file: string,
  position: number,
  length: number,
): { bytes: Buffer; stats: fs.Stats } {
  const { fd, stats } = openRegularFileSync(file);
  try {
    const wanted = Math.max(0, Math.min(length, stats.size - position));
    const buffer = Buffer.allocUnsafe(wanted);
    let done = 0;
    while (done < wanted) {
      const n = fs.readSync(fd, buffer, done, wanted - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return { bytes: buffer.subarray(0, done), stats };
  } catch (error) {
    throw fileErrorFrom(file, error);
  } finally {
    fs.closeSync(fd);
  }
}
