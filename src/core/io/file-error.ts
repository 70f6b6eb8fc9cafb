// The one error every bounded read (and every refused append) throws: its message names the file and says what is wrong in words a
// user acts on (which limit, which kind of file was found instead), never a raw errno or stack.

export type FileProblem =
  | 'not-found'
  | 'symlink-loop'
  | 'not-regular'
  | 'permission'
  | 'too-large'
  | 'inflate-limit'
  | 'not-gzip'
  | 'not-utf8'
  | 'unreadable';

export class FileAccessError extends Error {
  constructor(
    readonly file: string,
    readonly problem: FileProblem,
    /** The message without the file name, for callers that word their own ("cannot read the config (…)"). */
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'FileAccessError';
  }
}

/** Turns a failed `open`/`read` into a FileAccessError; errno codes become the words a person understands. */
export function fileErrorFrom(file: string, error: unknown): FileAccessError {
  if (error instanceof FileAccessError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new FileAccessError(file, 'not-found', 'file not found');
    case 'ENOTDIR':
      return new FileAccessError(file, 'not-found', 'file not found (a part of the path is not a folder)');
    case 'ELOOP':
      return new FileAccessError(file, 'symlink-loop', 'symlink loop (too many levels of symbolic links)');
    case 'EISDIR':
      return new FileAccessError(file, 'not-regular', 'is a folder, expected a file');
    case 'ENXIO':
      return new FileAccessError(file, 'not-regular', 'is a socket or a device, expected a regular file');
    case 'EACCES':
    case 'EPERM':
      return new FileAccessError(file, 'permission', 'cannot read file (permission denied)');
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new FileAccessError(file, 'unreadable', `cannot read file (${reason})`);
}
