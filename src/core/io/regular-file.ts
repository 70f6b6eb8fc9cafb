// Opening a file that must be a regular file. The path may be a symlink, but only to a regular file: a
// device (`/dev/zero` never ends), a FIFO (a read waits forever for a writer), a socket or a folder is
// refused. The file is opened non-blocking, so opening a FIFO returns at once, and the check is made on
// the open descriptor (fstat), so the file cannot be swapped between the check and the read.

import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FileAccessError, fileErrorFrom } from './file-error';

// O_NONBLOCK does not exist on Windows, where FIFOs and devices are not reachable through paths like these.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function kindOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseIfNotRegular(file: string, stats: fs.Stats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) throw new FileAccessError(file, 'not-regular', 'is a folder, expected a file');
  throw new FileAccessError(file, 'not-regular', `is ${kindOf(stats)}, expected a regular file`);
}

/**
 * ENXIO is what a non-blocking open of a socket, or of a FIFO for writing with no reader, fails with: name
 * what the path really is.
 */
function openFailure(file: string, error: unknown): FileAccessError {
  if ((error as NodeJS.ErrnoException | null)?.code === 'ENXIO') {
    try {
      refuseIfNotRegular(file, fs.statSync(file));
    } catch (refusal) {
      if (refusal instanceof FileAccessError) return refusal;
    }
  }
  return fileErrorFrom(file, error);
}

export interface OpenFileSync {
  fd: number;
  stats: fs.Stats;
}

/** Opens `file` for reading; throws a FileAccessError unless it is (a symlink to) a regular file. */
export function openRegularFileSync(file: string): OpenFileSync {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw openFailure(file, error);
  }
  try {
    const stats = fs.fstatSync(fd);
    refuseIfNotRegular(file, stats);
    return { fd, stats };
  } catch (error) {
    fs.closeSync(fd);
    throw fileErrorFrom(file, error);
  }
}

export interface OpenFile {
  handle: FileHandle;
  stats: fs.Stats;
}

/** The asynchronous twin of `openRegularFileSync`. */
export async function openRegularFile(file: string): Promise<OpenFile> {
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(file, OPEN_FLAGS);
  } catch (error) {
    throw openFailure(file, error);
  }
  try {
    const stats = await handle.stat();
    refuseIfNotRegular(file, stats);
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw fileErrorFrom(file, error);
  }
}

const APPEND_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Opens (creating it if needed) a file to append to. A run folder may come from anywhere: a FIFO in place
 * of `log.txt` would block the open forever, a device would swallow the lines, so both are refused.
 */
export function openAppendFileSync(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, APPEND_FLAGS, 0o666);
  } catch (error) {
    throw openFailure(file, error);
  }
  try {
    refuseIfNotRegular(file, fs.fstatSync(fd));
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw fileErrorFrom(file, error);
  }
}
