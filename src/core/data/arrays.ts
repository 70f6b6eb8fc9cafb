// Reads an array file of any supported kind, chosen by its extension (docs/formats.md, dataset manifest).

import { open, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseCsv, parseTxt, textShape } from './csv';
import { checkNpyDataLength, parseNpy, parseNpyHeader } from './npy';
import { DataError, type LoadedArray } from './types';

const gunzipAsync = promisify(gunzip);

export const SUPPORTED_EXTENSIONS = ['.npy', '.csv', '.csv.gz', '.txt'] as const;
type ArrayKind = 'npy' | 'csv' | 'txt';

function kindOf(file: string): { kind: ArrayKind; gzip: boolean } {
  const low = file.toLowerCase();
  if (low.endsWith('.npy')) return { kind: 'npy', gzip: false };
  if (low.endsWith('.csv.gz')) return { kind: 'csv', gzip: true };
  if (low.endsWith('.csv')) return { kind: 'csv', gzip: false };
  if (low.endsWith('.txt')) return { kind: 'txt', gzip: false };
  throw new DataError(`${file}: unknown file type (expected ${SUPPORTED_EXTENSIONS.join(', ')})`);
}

function readFailure(file: string, error: unknown): DataError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(`${file}: file not found`);
  if (code === 'EISDIR') return new DataError(`${file}: is a folder, expected a file`);
  if (code === 'EACCES' || code === 'EPERM')
    return new DataError(`${file}: cannot read file (permission denied)`);
  const reason = error instanceof Error ? error.message : String(error);
  return new DataError(`${file}: cannot read file (${reason})`);
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw readFailure(file, error);
  }
}

async function readText(file: string, gzip: boolean): Promise<string> {
  let bytes = await readBytes(file);
  if (gzip) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DataError(`${file}: not a readable gzip file (${reason})`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${file}: not UTF-8 text (expected comma-separated numbers)`);
  }
}

/** Loads `.npy`, `.csv`, `.csv.gz` or `.txt`. Every failure is a DataError naming the file. */
export async function loadArray(file: string): Promise<LoadedArray> {
  const { kind, gzip } = kindOf(file);
  if (kind === 'npy') return parseNpy(await readBytes(file), file);
  const text = await readText(file, gzip);
  return kind === 'csv' ? parseCsv(text, file) : parseTxt(text, file);
}

/** The array's shape without decoding its numbers: `.npy` reads only the header. */
export async function readArrayShape(file: string): Promise<number[]> {
  const { kind, gzip } = kindOf(file);
  if (kind !== 'npy') return textShape(await readText(file, gzip), kind === 'txt');
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw readFailure(file, error);
  }
  try {
    const size = (await handle.stat()).size;
    const prefix = new Uint8Array(12);
    await handle.read(prefix, 0, 12, 0);
    const major = prefix[6];
    const view = new DataView(prefix.buffer);
    const headerEnd = major === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
    const headerBytes = new Uint8Array(Math.min(Math.max(headerEnd, 12), size));
    await handle.read(headerBytes, 0, headerBytes.length, 0);
    const header = parseNpyHeader(headerBytes, file);
    checkNpyDataLength(header, size, file);
    return header.shape;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw readFailure(file, error);
  } finally {
    await handle.close();
  }
}
