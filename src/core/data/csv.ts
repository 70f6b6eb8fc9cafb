// Plain-text arrays (docs/formats.md, dataset manifest): `.csv` = one sample per line, comma-separated numbers, no header;
// `.txt` = one integer per line. Rows and columns in messages are 1-based, like the PyTorch peer's.

import { DataError, type LoadedArray } from './types';

/** The lines that hold data: `\r\n` or `\n` endings, trailing blank lines dropped. */
export function dataLines(text: string): string[] {
  const lines = text.split('\n');
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  lines.length = end;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
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

/** Comma-separated numbers, one sample per line. One column gives shape `[N]`, more give `[N, D]`. */
export function parseCsv(text: string, file: string): LoadedArray {
  const lines = dataLines(text);
  if (lines.length === 0) {
    throw new DataError(`${file}: file is empty (expected one sample per line, comma-separated numbers)`);
  }
  const columns = lines[0].split(',').length;
  const data = new Float64Array(lines.length * columns);
  let k = 0;
  for (let r = 0; r < lines.length; r++) {
    const cells = lines[r].split(',');
    if (cells.length !== columns) {
      if (lines[r].trim() === '') {
        throw new DataError(`${file}: row ${r + 1}: empty line (expected ${columns} comma-separated values)`);
      }
      throw new DataError(
        `${file}: row ${r + 1}: expected ${columns} comma-separated values (as in row 1), found ${cells.length}`,
      );
    }
    for (let c = 0; c < columns; c++) {
      const value = parseCell(cells[c]);
      if (value === undefined) {
        throw new DataError(
          `${file}: row ${r + 1}, column ${c + 1}: expected a number, found ${describeCell(cells[c])}`,
        );
      }
      data[k++] = value;
    }
  }
  return { shape: columns === 1 ? [lines.length] : [lines.length, columns], data, dtype: 'csv' };
}

/** One integer per line (index lists, labels); shape `[N]`. */
export function parseTxt(text: string, file: string): LoadedArray {
  const lines = dataLines(text);
  if (lines.length === 0) {
    throw new DataError(`${file}: file is empty (expected one integer per line)`);
  }
  const data = new Float64Array(lines.length);
  for (let r = 0; r < lines.length; r++) {
    const line = lines[r];
    if (line.includes(',')) {
      throw new DataError(
        `${file}: row ${r + 1}: expected one integer per line, found ${line.split(',').length} comma-separated values`,
      );
    }
    const value = parseCell(line);
    if (value === undefined || !Number.isInteger(value)) {
      throw new DataError(`${file}: row ${r + 1}: expected an integer, found ${describeCell(line)}`);
    }
    data[r] = value;
  }
  return { shape: [lines.length], data, dtype: 'csv' };
}

/** Shape without parsing every number: rows, and the first row's column count. */
export function textShape(text: string, oneColumn: boolean): number[] {
  const lines = dataLines(text);
  if (lines.length === 0) return [0];
  const columns = oneColumn ? 1 : lines[0].split(',').length;
  return columns === 1 ? [lines.length] : [lines.length, columns];
}
