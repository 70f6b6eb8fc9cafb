// A failed write names the file and the errno in one line: Node's own message for a write through a file
// descriptor ("ENOSPC: no space left on device, write") names neither the file nor where it is.

export class WriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`cannot write ${file}: ${errnoReason(code)} (${code})`);
    this.name = 'WriteError';
  }
}

/** The errno in words, for the errors a write to a runs folder meets. */
export function errnoReason(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EIO':
      return 'an input/output error of the device';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'ENOENT':
      return 'the folder is gone';
    default:
      return 'the operating system refused the write';
  }
}

/** `error` as a WriteError on `file` when it is an operating-system error; otherwise unchanged. */
export function asWriteError(file: string, error: unknown): unknown {
  if (error instanceof WriteError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new WriteError(file, code) : error;
}
