// Reads an array file of any supported kind, chosen by its extension (docs/formats.md, dataset manifest). Every read is
// bounded (src/core/io): the file must be a regular file no larger than one read can hold, gzip inflation
// is capped, and text is decoded a piece at a time so a large file is never one giant string.

import { FileAccessError } from '../io/file-error';
import { gunzipBounded } from '../io/gzip';
import { readBounded, refuseIfLarger, type ReadLimit } from '../io/bounded-read';
import { LIMITS, GZIP_LIMITS, type GzipLimits } from '../io/limits';
import { openRegularFile } from '../io/regular-file';
import { lineCount, utf8Pieces } from '../io/utf8-chunks';
import { parseCsv, parseTxt, textShape, type TextInput } from './csv';
import { checkNpyDataLength, parseNpy, parseNpyHeader } from './npy';
import { DataError, type LoadedArray } from './types';

export const SUPPORTED_EXTENSIONS = ['.npy', '.csv', '.csv.gz', '.txt'] as const;
type ArrayKind = 'npy' | 'csv' | 'txt';

/** Limits of one read; the defaults are the product's, tests lower them to stay small. */
export interface ArrayReadOptions {
  /** Largest array file read, in bytes (default: as much as one read can hold, 2 GiB). */
  maxBytes?: number;
  gzip?: GzipLimits;
}

/** numpy writes headers of a few hundred bytes; anything near this is not an array header. */
const NPY_HEADER_LIMIT = 16 * 1024 * 1024;

function kindOf(file: string): { kind: ArrayKind; gzip: boolean } {
  const low = file.toLowerCase();
  if (low.endsWith('.npy')) return { kind: 'npy', gzip: false };
  if (low.endsWith('.csv.gz')) return { kind: 'csv', gzip: true };
  if (low.endsWith('.csv')) return { kind: 'csv', gzip: false };
  if (low.endsWith('.txt')) return { kind: 'txt', gzip: false };
  throw new DataError(`${file}: unknown file type (expected ${SUPPORTED_EXTENSIONS.join(', ')})`);
}

/** Runs `read`, turning a bounded-read refusal into the DataError callers of the data layer expect. */
async function asDataErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof FileAccessError) throw new DataError(error.message);
    throw error;
  }
}

function limitOf(options: ArrayReadOptions): ReadLimit {
  return { limit: options.maxBytes ?? LIMITS.data, what: 'an array file' };
}

async function readText(file: string, gzip: boolean, options: ArrayReadOptions): Promise<TextInput> {
  let bytes: Uint8Array = await readBounded(file, limitOf(options));
  if (gzip) bytes = await gunzipBounded(bytes, file, options.gzip ?? GZIP_LIMITS);
  return { pieces: utf8Pieces(bytes, file), maxLines: lineCount(bytes) };
}

/** Loads `.npy`, `.csv`, `.csv.gz` or `.txt`. Every failure is a DataError naming the file. */
export async function loadArray(file: string, options: ArrayReadOptions = {}): Promise<LoadedArray> {
  const { kind, gzip } = kindOf(file);
  return asDataErrors(async () => {
    if (kind === 'npy') return parseNpy(await readBounded(file, limitOf(options)), file);
    const text = await readText(file, gzip, options);
    return kind === 'csv' ? parseCsv(text, file) : parseTxt(text, file);
  });
}

/**
 * The array's shape, after the same checks `loadArray` makes: `.npy` reads only the header (and checks the
 * data's length), text files are read and every row checked, without keeping the numbers.
 */
export async function readArrayShape(file: string, options: ArrayReadOptions = {}): Promise<number[]> {
  const { kind, gzip } = kindOf(file);
  return asDataErrors(async () => {
    if (kind !== 'npy') return textShape(await readText(file, gzip, options), file, kind === 'txt');
    return npyShape(file, options);
  });
}

async function npyShape(file: string, options: ArrayReadOptions): Promise<number[]> {
  const { handle, stats } = await openRegularFile(file);
  try {
    // Same refusal as loadArray, so validation and training agree on a file too large to load.
    refuseIfLarger(file, stats.size, limitOf(options));
    const size = stats.size;
    const prefix = new Uint8Array(12);
    await handle.read(prefix, 0, 12, 0);
    const major = prefix[6];
    const view = new DataView(prefix.buffer);
    const headerEnd = major === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
    const headerBytes = new Uint8Array(Math.min(Math.max(headerEnd, 12), size, NPY_HEADER_LIMIT));
    await handle.read(headerBytes, 0, headerBytes.length, 0);
    const header = parseNpyHeader(headerBytes, file);
    checkNpyDataLength(header, size, file);
    return header.shape;
  } catch (error) {
    if (error instanceof DataError || error instanceof FileAccessError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`${file}: cannot read file (${reason})`);
  } finally {
    await handle.close();
  }
}
