// UTF-8 text decoded a piece at a time. One JavaScript string holds at most ~512 Mi characters, so a large
// but valid text file cannot be decoded whole; pieces end just after a newline byte (which never occurs
// inside a multi-byte character), so each piece holds whole lines and decodes on its own.

import { isUtf8 } from 'node:buffer';
import { FileAccessError } from './file-error';

const NEWLINE = 0x0a;
/** Big enough that per-piece overhead is nothing, small enough that a piece's line array stays modest. */
export const PIECE_BYTES = 16 * 1024 * 1024;

/** How many lines `bytes` has, counting a last line without a newline: an upper bound for row counts. */
export function lineCount(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 0;
  let at = buffer.indexOf(NEWLINE);
  while (at !== -1) {
    count++;
    at = buffer.indexOf(NEWLINE, at + 1);
  }
  return buffer.length > 0 && buffer[buffer.length - 1] !== NEWLINE ? count + 1 : count;
}

/** The 1-based number of the first line in `piece` that is not UTF-8 (`firstLine` is the piece's first). */
function firstBadLine(piece: Buffer, firstLine: number): number {
  let start = 0;
  let line = firstLine;
  while (start < piece.length) {
    const end = piece.indexOf(NEWLINE, start);
    const stop = end === -1 ? piece.length : end;
    if (!isUtf8(piece.subarray(start, stop))) return line;
    start = stop + 1;
    line++;
  }
  return line;
}

/**
 * The text of `bytes` in pieces that each end with `\n` (except perhaps the last); joined they are the
 * whole text. Invalid UTF-8 throws a FileAccessError naming the line.
 */
export function* utf8Pieces(bytes: Uint8Array, file: string, pieceBytes = PIECE_BYTES): Generator<string> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let linesBefore = 0;
  while (start < buffer.length) {
    const newline = buffer.indexOf(NEWLINE, Math.min(start + pieceBytes, buffer.length) - 1);
    const end = newline === -1 ? buffer.length : newline + 1;
    const piece = buffer.subarray(start, end);
    let text: string;
    try {
      text = decoder.decode(piece);
    } catch (error) {
      if (error instanceof RangeError || isUtf8(piece)) {
        // Valid bytes that still do not fit one string: a single line of hundreds of millions of characters.
        throw new FileAccessError(file, 'too-large', `line ${linesBefore + 1} is too long to read as text`);
      }
      throw new FileAccessError(
        file,
        'not-utf8',
        `line ${firstBadLine(piece, linesBefore + 1)} is not UTF-8 text`,
      );
    }
    yield text;
    linesBefore += lineCount(piece);
    start = end;
  }
}
