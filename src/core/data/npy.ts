// NumPy `.npy` reader and writer (format versions 1.0, 2.0 and 3.0), little-endian C-order arrays only.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

import { DataError, type LoadedArray, type NpyDtype, type NumericArray } from './types';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const SUPPORTED: readonly NpyDtype[] = ['<f4', '<f8', '<i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '|b1'];

// Single-byte types have no byte order, so numpy writes them with `|`; other writers use `<`, `=` or even `>`.
const SPELLINGS: Record<string, NpyDtype> = {
  '|i1': '<i1',
  '=i1': '<i1',
  '>i1': '<i1',
  '<u1': '|u1',
  '=u1': '|u1',
  '>u1': '|u1',
  '<b1': '|b1',
  '=b1': '|b1',
  '>b1': '|b1',
  '|?': '|b1',
};

const ITEM_SIZE: Record<NpyDtype, number> = {
  '<f4': 4,
  '<f8': 8,
  '<i1': 1,
  '<i2': 2,
  '<i4': 4,
  '<i8': 8,
  '|u1': 1,
  '<u2': 2,
  '<u4': 4,
  '|b1': 1,
};

// Typed arrays use the host's byte order; every platform Node ships for is little-endian, but say so loudly
// rather than return garbage if that ever changes.
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface NpyHeader {
  version: 1 | 2 | 3;
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the data inside the file. */
  dataOffset: number;
  /** Bytes the data must occupy: product(shape) × item size. */
  dataBytes: number;
}

/** Reads the header only; `bytes` may be just the file's beginning (at least the header). */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`${file}: not a .npy file (it does not start with the "\\x93NUMPY" magic string)`);
  }
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new DataError(
      `${file}: .npy format version ${major}.${bytes[7]} is not supported (expected 1, 2 or 3)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    throw new DataError(`${file}: truncated .npy header`);
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    throw new DataError(
      `${file}: truncated .npy header: expected ${headerLength} header bytes, found ${bytes.length - headerStart}`,
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataOffset),
  );
  const { dtype, shape } = parseHeaderDict(header, file);
  const count = shape.reduce((a, b) => a * b, 1);
  return { version: major, dtype, shape, dataOffset, dataBytes: count * ITEM_SIZE[dtype] };
}

function parseHeaderDict(header: string, file: string): { dtype: NpyDtype; shape: number[] } {
  const descrMatch = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(header);
  if (!descrMatch) {
    if (/['"]descr['"]\s*:\s*\[/.test(header)) {
      throw new DataError(
        `${file}: structured (record) arrays are not supported; save a plain numeric array`,
      );
    }
    throw new DataError(`${file}: .npy header has no "descr" entry: ${header.trim()}`);
  }
  const descr = descrMatch[2];
  if (descr.startsWith('>') && !SPELLINGS[descr]) {
    throw new DataError(
      `${file}: big-endian dtype ${descr} is not supported; save the array little-endian ` +
        `(e.g. numpy: arr.astype(arr.dtype.newbyteorder('<')))`,
    );
  }
  const dtype = (SPELLINGS[descr] ?? descr) as NpyDtype;
  if (!SUPPORTED.includes(dtype)) {
    throw new DataError(`${file}: dtype ${descr} is not supported (expected one of ${SUPPORTED.join(' ')})`);
  }
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  if (!fortranMatch) {
    throw new DataError(`${file}: .npy header has no "fortran_order" entry: ${header.trim()}`);
  }
  if (fortranMatch[1] === 'True') {
    throw new DataError(
      `${file}: Fortran-order arrays are not supported; save a C-order array (numpy: np.ascontiguousarray(arr))`,
    );
  }
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) {
    throw new DataError(`${file}: .npy header has no "shape" entry: ${header.trim()}`);
  }
  const shape: number[] = [];
  for (const part of shapeMatch[1].split(',')) {
    const text = part.trim().replace(/L$/, ''); // Python 2 wrote longs as `3L`
    if (text === '') continue;
    if (!/^\d+$/.test(text)) {
      throw new DataError(`${file}: .npy header has an invalid shape (${shapeMatch[1]})`);
    }
    shape.push(Number(text));
  }
  return { dtype, shape };
}

/** Throws when a file of `fileBytes` bytes is too short for the data its header promises. */
export function checkNpyDataLength(header: NpyHeader, fileBytes: number, file: string): void {
  const found = fileBytes - header.dataOffset;
  if (found < header.dataBytes) {
    throw new DataError(
      `${file}: truncated .npy data: shape [${header.shape.join(', ')}] of ${header.dtype} needs ` +
        `${header.dataBytes} bytes, found ${found}`,
    );
  }
}

/** Parses a whole `.npy` file. `file` names it in error messages. */
export function parseNpy(bytes: Uint8Array, file: string): LoadedArray {
  const header = parseNpyHeader(bytes, file);
  checkNpyDataLength(header, bytes.length, file);
  if (!HOST_LITTLE_ENDIAN) {
    throw new DataError(`${file}: reading .npy files needs a little-endian machine`);
  }
  // Copy so the typed array is aligned and does not keep the whole file buffer alive. (Not `bytes.slice`:
  // on a Node Buffer that is a view into the same memory.)
  const raw = new Uint8Array(header.dataBytes);
  raw.set(bytes.subarray(header.dataOffset, header.dataOffset + header.dataBytes));
  return { shape: header.shape, data: typedView(header.dtype, raw.buffer), dtype: header.dtype };
}

function typedView(dtype: NpyDtype, buffer: ArrayBuffer): NumericArray {
  switch (dtype) {
    case '<f4':
      return new Float32Array(buffer);
    case '<f8':
      return new Float64Array(buffer);
    case '<i1':
      return new Int8Array(buffer);
    case '<i2':
      return new Int16Array(buffer);
    case '<i4':
      return new Int32Array(buffer);
    case '<i8':
      return new BigInt64Array(buffer);
    case '|u1':
      return new Uint8Array(buffer);
    case '<u2':
      return new Uint16Array(buffer);
    case '<u4':
      return new Uint32Array(buffer);
    case '|b1': {
      // numpy stores bools as 0/1 bytes, but normalise anything else rather than trust it.
      const out = new Uint8Array(buffer);
      for (let i = 0; i < out.length; i++) out[i] = out[i] ? 1 : 0;
      return out;
    }
  }
}

function dtypeOf(data: NumericArray, declared: string | undefined): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int8Array) return '<i1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof BigInt64Array) return '<i8';
  if (data instanceof Uint8Array) return declared === '|b1' ? '|b1' : '|u1';
  if (data instanceof Uint16Array) return '<u2';
  return '<u4';
}

// numpy spells the single-byte types with `|`.
function headerDescr(dtype: NpyDtype): string {
  return dtype === '<i1' ? '|i1' : dtype;
}

/**
 * Encodes a C-order array as `.npy`. The dtype follows the typed array; pass `dtype: '|b1'` (as a LoadedArray
 * read from a bool file has) to write a Uint8Array as bool.
 */
export function encodeNpy(
  array: { shape: number[]; data: NumericArray; dtype?: string },
  version: 1 | 2 | 3 = 1,
): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new DataError(
      `encodeNpy: shape [${array.shape.join(', ')}] holds ${count} values but the data has ${array.data.length}`,
    );
  }
  const dtype = dtypeOf(array.data, array.dtype);
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${headerDescr(dtype)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const lengthBytes = version === 1 ? 2 : 4;
  const prefix = 8 + lengthBytes;
  // Pad with spaces and end with a newline so the data starts on a 64-byte boundary, as numpy does.
  const unpadded = prefix + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const headerText = dict + ' '.repeat(total - unpadded) + '\n';
  const headerBytes = new TextEncoder().encode(headerText);
  if (version === 1 && headerBytes.length > 0xffff) {
    throw new DataError(`encodeNpy: header of ${headerBytes.length} bytes is too long for format version 1`);
  }
  const dataBytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(prefix + headerBytes.length + dataBytes.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(dataBytes, prefix + headerBytes.length);
  return out;
}
