// The folder scan: every array file directly in the folder with its shape and dtype read from headers.

import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { DataError } from '../data/types';
import { arrayFileKind, readArrayHeader } from './arrayHeader';
import type { ScannedFile } from './types';

/** Sorted by name. Unreadable files are listed with their error rather than dropped, so the user sees them. */
export async function scanFolder(dir: string): Promise<ScannedFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'not a folder' : String(error);
    throw new DataError(`${dir}: ${why}`);
  }
  const names = entries
    .filter((e) => e.isFile() && arrayFileKind(e.name) !== null)
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(
    names.map(async (name): Promise<ScannedFile> => {
      const file = path.join(dir, name);
      try {
        return { name, path: file, header: await readArrayHeader(file) };
      } catch (error) {
        const message = error instanceof DataError ? error.message : `${file}: ${String(error)}`;
        return { name, path: file, header: null, error: message };
      }
    }),
  );
}

/** `[1500, 32] <f4` — how the wizard and `mla init` show a file. */
export function describeFile(file: ScannedFile): string {
  if (!file.header) return file.error ?? 'unreadable';
  return `[${file.header.shape.join(', ')}] ${file.header.dtype}`;
}
