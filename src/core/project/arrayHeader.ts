// Shape and dtype of an array file without loading it, for the folder scan: a `.npy` header is a small bounded
// read; a text file is streamed once in fixed-size chunks, counting rows and the first row's columns, so a
// multi-gigabyte `.csv.gz` never sits in memory.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { parseCell } from '../data/csv';
import { checkNpyDataLength, parseNpyHeader } from '../data/npy';
import { DataError, type NpyDtype } from '../data/types';

export type ArrayFileKind = 'npy' | 'csv' | 'csv.gz' | 'txt';

export interface ArrayHeader {
  shape: number[];
  /** The `.npy` dtype, or the text format the numbers are written in. */
  dtype: NpyDtype | 'csv' | 'txt';
}

/** The kind by extension, or `null` for a file the scan skips. */
export function arrayFileKind(name: string): ArrayFileKind | null {
  const low = name.toLowerCase();
  if (low.endsWith('.npy')) return 'npy';
  if (low.endsWith('.csv.gz')) return 'csv.gz';
  if (low.endsWith('.csv')) return 'csv';
  if (low.endsWith('.txt')) return 'txt';
  return null;
}

/** A header longer than this is not a real `.npy` header (numpy writes a few hundred bytes at most). */
const MAX_NPY_HEADER = 1 << 20;
/** A first row longer than this is not one sample of comma-separated numbers. */
const MAX_FIRST_LINE = 64 << 20;
const CHUNK = 1 << 16;

export async function readArrayHeader(file: string): Promise<ArrayHeader> {
  const kind = arrayFileKind(file);
  if (kind === null) throw new DataError(`${file}: unknown file type (expected .npy, .csv, .csv.gz or .txt)`);
  if (kind === 'npy') return readNpyHeader(file);
  const { rows, firstLine } = await countLines(file, kind === 'csv.gz');
  // A folder's notes (README.txt) are no arrays: the first row says so without reading further.
  const cells = kind === 'txt' ? [firstLine] : firstLine.split(',');
  const bad = cells.findIndex((c) => parseCell(c) === undefined);
  if (rows > 0 && bad >= 0) {
    const what = kind === 'txt' ? 'a number' : 'comma-separated numbers';
    const found = cells[bad].trim().slice(0, 40);
    throw new DataError(
      `${file}: row 1${kind === 'txt' ? '' : `, column ${bad + 1}`}: expected ${what}, found ${JSON.stringify(found)}`,
    );
  }
  if (kind === 'txt') return { shape: [rows], dtype: 'txt' };
  const columns = rows === 0 ? 1 : cells.length;
  return { shape: columns === 1 ? [rows] : [rows, columns], dtype: 'csv' };
}

function failure(file: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(`${file}: file not found`);
  if (code === 'EACCES' || code === 'EPERM')
    return new DataError(`${file}: cannot read file (permission denied)`);
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
    return new DataError(`${file}: not a readable gzip file (${(error as Error).message})`);
  return new DataError(
    `${file}: cannot read file (${error instanceof Error ? error.message : String(error)})`,
  );
}

async function readNpyHeader(file: string): Promise<ArrayHeader> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw failure(file, error);
  }
  try {
    const size = (await handle.stat()).size;
    const prefix = new Uint8Array(12);
    const { bytesRead } = await handle.read(prefix, 0, 12, 0);
    // parseNpyHeader words the "not a .npy file" and "unsupported version" messages.
    if (bytesRead < 12 || (prefix[6] !== 1 && prefix[6] !== 2 && prefix[6] !== 3))
      parseNpyHeader(prefix.subarray(0, bytesRead), file);
    const view = new DataView(prefix.buffer);
    const headerEnd = prefix[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
    if (headerEnd > MAX_NPY_HEADER)
      throw new DataError(`${file}: .npy header of ${headerEnd} bytes is too long (expected under 1 MiB)`);
    const bytes = new Uint8Array(Math.min(headerEnd, size));
    await handle.read(bytes, 0, bytes.length, 0);
    const header = parseNpyHeader(bytes, file);
    checkNpyDataLength(header, size, file);
    return { shape: header.shape, dtype: header.dtype };
  } catch (error) {
    throw failure(file, error);
  } finally {
    await handle.close();
  }
}

/**
 * Rows = lines holding anything but whitespace (trailing blank lines are not samples, as in the loaders).
 * Only the first such line is kept, as text.
 */
function countLines(file: string, gzip: boolean): Promise<{ rows: number; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const raw = createReadStream(file, { highWaterMark: CHUNK });
    const stream = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
    let rows = 0;
    let lineHasContent = false;
    const first: Buffer[] = [];
    let firstBytes = 0;
    let firstDone = false;
    const fail = (error: unknown) => {
      raw.destroy();
      stream.destroy();
      reject(failure(file, error));
    };
    raw.on('error', fail);
    stream.on('error', fail);
    stream.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b === 0x0a) {
          if (lineHasContent) {
            rows++;
            if (!firstDone) {
              first.push(chunk.subarray(start, i));
              firstDone = true;
            }
          } else if (!firstDone) {
            first.length = 0;
            firstBytes = 0;
          }
          lineHasContent = false;
          start = i + 1;
        } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
          lineHasContent = true;
        }
      }
      if (!firstDone && start < chunk.length) {
        first.push(chunk.subarray(start));
        firstBytes += chunk.length - start;
        if (firstBytes > MAX_FIRST_LINE)
          fail(new DataError(`${file}: row 1 is longer than 64 MiB (expected one sample per line)`));
      }
    });
    stream.on('end', () => {
      if (lineHasContent) rows++;
      const firstLine = Buffer.concat(first).toString('utf8').replace(/\r$/, '');
      resolve({ rows, firstLine: firstDone || rows > 0 ? firstLine : '' });
    });
  });
}
