// Plain-text arrays (docs/formats.md, dataset manifest): `.csv` = one sample per line, comma-separated numbers, no header;
// `.txt` = one integer per line. Rows and columns in messages are 1-based, like the PyTorch peer's.

import { DataError, type LoadedArray } from './types';

/**
 * Text whole, or in pieces that each end with `\n` except the last (as `utf8Pieces` gives them: a file too
 * large for one string) with at most `maxLines` lines in all.
 */
export type TextInput = string | { pieces: Iterable<string>; maxLines: number };

function piecesOf(input: TextInput): { pieces: Iterable<string>; maxLines: number } {
  if (typeof input !== 'string') return input;
  let lines = 1;
  for (let at = input.indexOf('\n'); at !== -1; at = input.indexOf('\n', at + 1)) lines++;
  return { pieces: [input], maxLines: lines };
}

function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '');
}

/**
 * Calls `visit` with each line that holds data and its 1-based row: `\r\n` or `\n` endings, trailing blank
 * lines dropped. Returns the number of rows.
 */
function forEachDataLine(input: TextInput, visit: (line: string, row: number) => void): number {
  let row = 0;
  // Blank lines are data only if a non-blank line follows; a count is enough, as a blank row never parses.
  let blanks = 0;
  for (const piece of piecesOf(input).pieces) {
    const lines = piece.split('\n');
    // A piece ending in a newline splits into a last '' that is the start of the next piece, not a line.
    const count = piece.endsWith('\n') ? lines.length - 1 : lines.length;
    for (let i = 0; i < count; i++) {
      let line = lines[i];
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (isBlank(line)) {
        blanks++;
        continue;
      }
      for (; blanks > 0; blanks--) visit('', ++row);
      visit(line, ++row);
    }
  }
  return row;
}

function allocate(values: number, file: string): Float64Array<ArrayBuffer> {
  try {
    return new Float64Array(values);
  } catch {
    throw new DataError(`${file}: ${values} values are more than this machine can hold in memory`);
  }
}

const NAN_SPELLINGS = new Set(['nan', '+nan', '-nan']);
const INF_SPELLINGS = new Set(['inf', '+inf', 'infinity', '+infinity']);
const NEG_INF_SPELLINGS = new Set(['-inf', '-infinity']);

/**
 * One cell as a number, or `undefined` when it is not one. NaN and Inf spellings (as numpy writes them) are
 * numbers here, so the dataset checks can report them as NaN/Inf rather than as unreadable text.
 */
export function parseCell(cell: string): number | undefined {
  const value = Number(cell);
  if (value === value) {
    // Number() also accepts blank text and "0x1f", "0b1", "0o7"; numpy's readers do not.
    const t = cell.charCodeAt(0) <= 32 || cell.charCodeAt(cell.length - 1) <= 32 ? cell.trim() : cell;
    if (t.length === 0) return undefined;
    if (t.length > 2 && t.charCodeAt(0) === 48) {
      const second = t.charCodeAt(1) | 0x20;
      if (second === 120 || second === 98 || second === 111) return undefined;
    }
    return value;
  }
  const t = cell.trim().toLowerCase();
  if (NAN_SPELLINGS.has(t)) return NaN;
  if (INF_SPELLINGS.has(t)) return Infinity;
  if (NEG_INF_SPELLINGS.has(t)) return -Infinity;
  return undefined;
}

function describeCell(cell: string): string {
  return cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell.trim());
}

/**
 * Checks every row of a comma-separated file, storing the numbers when `store`: one check for loading and
 * for the shape that validation reports, so both give the same answer.
 */
function scanCsv(input: TextInput, file: string, store: boolean): { shape: number[]; data: Float64Array } {
  const source = piecesOf(input);
  let columns = 0;
  let data = new Float64Array(0);
  let k = 0;
  const rows = forEachDataLine(source, (line, r) => {
    const cells = line.split(',');
    if (r === 1) {
      columns = cells.length;
      if (store) data = allocate(source.maxLines * columns, file);
    } else if (cells.length !== columns) {
      if (line.trim() === '') {
        throw new DataError(`${file}: row ${r}: empty line (expected ${columns} comma-separated values)`);
      }
      throw new DataError(
        `${file}: row ${r}: expected ${columns} comma-separated values (as in row 1), found ${cells.length}`,
      );
    }
    for (let c = 0; c < columns; c++) {
      const value = parseCell(cells[c]);
      if (value === undefined) {
        throw new DataError(
          `${file}: row ${r}, column ${c + 1}: expected a number, found ${describeCell(cells[c])}`,
        );
      }
      if (store) data[k++] = value;
    }
  });
  if (rows === 0) {
    throw new DataError(`${file}: file is empty (expected one sample per line, comma-separated numbers)`);
  }
  const shape = columns === 1 ? [rows] : [rows, columns];
  return { shape, data: store ? data.subarray(0, rows * columns) : data };
}

/** Comma-separated numbers, one sample per line. One column gives shape `[N]`, more give `[N, D]`. */
export function parseCsv(input: TextInput, file: string): LoadedArray {
  const { shape, data } = scanCsv(input, file, true);
  return { shape, data, dtype: 'csv' };
}

/** One integer per line (index lists, labels); shape `[N]`. */
function scanTxt(input: TextInput, file: string, store: boolean): { shape: number[]; data: Float64Array } {
  const source = piecesOf(input);
  const data = store ? allocate(source.maxLines, file) : new Float64Array(0);
  const rows = forEachDataLine(source, (line, r) => {
    if (line.includes(',')) {
      throw new DataError(
        `${file}: row ${r}: expected one integer per line, found ${line.split(',').length} comma-separated values`,
      );
    }
    const value = parseCell(line);
    if (value === undefined || !Number.isInteger(value)) {
      throw new DataError(`${file}: row ${r}: expected an integer, found ${describeCell(line)}`);
    }
    if (store) data[r - 1] = value;
  });
  if (rows === 0) throw new DataError(`${file}: file is empty (expected one integer per line)`);
  return { shape: [rows], data: store ? data.subarray(0, rows) : data };
}

export function parseTxt(input: TextInput, file: string): LoadedArray {
  const { shape, data } = scanTxt(input, file, true);
  return { shape, data, dtype: 'csv' };
}

/** The shape `parseCsv`/`parseTxt` would give, after the same checks of every row, without storing numbers. */
export function textShape(input: TextInput, file: string, oneColumn: boolean): number[] {
  return (oneColumn ? scanTxt : scanCsv)(input, file, false).shape;
}
