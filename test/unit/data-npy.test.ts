import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadArray, readArrayShape } from '../../src/core/data/arrays';
import { encodeNpy, parseNpy } from '../../src/core/data/npy';
import type { NumericArray } from '../../src/core/data/types';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mla-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const samples: { dtype: string; data: NumericArray }[] = [
  { dtype: '<f4', data: Float32Array.from([1.5, -2.25, 3e-8, 1e30, 0, -0]) },
  { dtype: '<f8', data: Float64Array.from([1.5, -2.25, 1e-300, 1e300, Math.PI, 7]) },
  { dtype: '<i1', data: Int8Array.from([-128, -1, 0, 1, 2, 127]) },
  { dtype: '<i2', data: Int16Array.from([-32768, -1, 0, 1, 300, 32767]) },
  { dtype: '<i4', data: Int32Array.from([-2147483648, -1, 0, 1, 70000, 2147483647]) },
  { dtype: '<i8', data: BigInt64Array.from([-9007199254740993n, -1n, 0n, 1n, 5n, 9007199254740993n]) },
  { dtype: '|u1', data: Uint8Array.from([0, 1, 2, 128, 200, 255]) },
  { dtype: '<u2', data: Uint16Array.from([0, 1, 2, 300, 40000, 65535]) },
  { dtype: '<u4', data: Uint32Array.from([0, 1, 2, 300, 3000000000, 4294967295]) },
  { dtype: '|b1', data: Uint8Array.from([0, 1, 1, 0, 0, 1]) },
];

const values = (a: NumericArray): (number | bigint)[] => Array.from(a as ArrayLike<number | bigint>);

function asciiHeader(bytes: Uint8Array, version: number): string {
  const start = version === 1 ? 10 : 12;
  const len = version === 1 ? bytes[8] | (bytes[9] << 8) : new DataView(bytes.buffer).getUint32(8, true);
  return new TextDecoder().decode(bytes.subarray(start, start + len));
}

describe('encodeNpy / parseNpy', () => {
  for (const { dtype, data } of samples) {
    for (const version of [1, 2, 3] as const) {
      it(`round-trips ${dtype} with format version ${version}`, async () => {
        const bytes = encodeNpy({ shape: [2, 3], data, dtype }, version);
        assert.equal(bytes[6], version);
        assert.ok(asciiHeader(bytes, version).endsWith('\n'));
        // Data starts on a 64-byte boundary, as numpy writes it.
        assert.equal((bytes.length - data.byteLength) % 64, 0);
        const parsed = parseNpy(bytes, 'mem.npy');
        assert.equal(parsed.dtype, dtype);
        assert.deepEqual(parsed.shape, [2, 3]);
        assert.equal(parsed.data.constructor, data.constructor);
        assert.deepEqual(values(parsed.data), values(data));

        const file = path.join(dir, `${dtype.slice(1)}-v${version}.npy`);
        writeFileSync(file, bytes);
        const loaded = await loadArray(file);
        assert.deepEqual(loaded.shape, [2, 3]);
        assert.deepEqual(values(loaded.data), values(data));
        assert.deepEqual(await readArrayShape(file), [2, 3]);
      });
    }
  }

  it('writes the header numpy writes', () => {
    const bytes = encodeNpy({ shape: [3], data: Float32Array.from([1, 2, 3]) });
    assert.equal(
      asciiHeader(bytes, 1).trimEnd(),
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
    );
    assert.equal(bytes.length, 128 + 12); // 10-byte prefix + 58-byte dict + padding to 128, then 3 × 4 bytes
    const i1 = encodeNpy({ shape: [1, 1], data: Int8Array.from([5]) });
    assert.match(asciiHeader(i1, 1), /'descr': '\|i1'.*'shape': \(1, 1\)/);
  });

  it('reads a hand-made v1 header byte string (no padding, double quotes)', () => {
    const header = '{"descr": "<i4", "fortran_order": False, "shape": (2, 2)}\n';
    const bytes = new Uint8Array(10 + header.length + 16);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    bytes.set(new TextEncoder().encode(header), 10);
    new DataView(bytes.buffer).setInt32(10 + header.length, 7, true);
    new DataView(bytes.buffer).setInt32(10 + header.length + 12, -3, true);
    const parsed = parseNpy(bytes, 'hand.npy');
    assert.deepEqual(parsed.shape, [2, 2]);
    assert.equal(parsed.dtype, '<i4');
    assert.deepEqual(Array.from(parsed.data as Int32Array), [7, 0, 0, -3]);
  });

  it('accepts the other spellings of single-byte types', () => {
    for (const [descr, dtype] of [
      ['<u1', '|u1'],
      ['|i1', '<i1'],
      ['<b1', '|b1'],
    ]) {
      const bytes = encodeNpy({ shape: [2], data: Uint8Array.from([1, 0]) });
      const patched = new TextDecoder('latin1').decode(bytes).replace("'|u1'", `'${descr}'`);
      const parsed = parseNpy(
        Uint8Array.from(patched, (ch) => ch.charCodeAt(0)),
        'x.npy',
      );
      assert.equal(parsed.dtype, dtype);
      assert.deepEqual(Array.from(parsed.data as Uint8Array), [1, 0]);
    }
  });

  function patchHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
    assert.equal(from.length, to.length);
    const text = new TextDecoder('latin1').decode(bytes);
    assert.ok(text.includes(from));
    return Uint8Array.from(text.replace(from, to), (ch) => ch.charCodeAt(0));
  }

  it('rejects big-endian data with a clear message', () => {
    const bytes = patchHeader(encodeNpy({ shape: [2], data: Float32Array.from([1, 2]) }), "'<f4'", "'>f4'");
    assert.throws(() => parseNpy(bytes, 'be.npy'), {
      name: 'DataError',
      message: /^be\.npy: big-endian dtype >f4 is not supported; save the array little-endian/,
    });
  });

  it('rejects Fortran order', () => {
    const bytes = patchHeader(
      encodeNpy({ shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }),
      'False',
      'True ',
    );
    assert.throws(() => parseNpy(bytes, 'f.npy'), {
      message: /^f\.npy: Fortran-order arrays are not supported/,
    });
  });

  it('rejects unsupported dtypes, listing the supported ones', () => {
    const bytes = patchHeader(encodeNpy({ shape: [2], data: Float32Array.from([1, 2]) }), "'<f4'", "'<f2'");
    assert.throws(() => parseNpy(bytes, 'h.npy'), {
      message: 'h.npy: dtype <f2 is not supported (expected one of <f4 <f8 <i1 <i2 <i4 <i8 |u1 <u2 <u4 |b1)',
    });
  });

  it('says how many bytes a truncated file needs and has', async () => {
    const full = encodeNpy({ shape: [4, 3], data: new Float64Array(12) });
    const cut = full.subarray(0, full.length - 10);
    const expected = 'cut.npy: truncated .npy data: shape [4, 3] of <f8 needs 96 bytes, found 86';
    assert.throws(() => parseNpy(cut, 'cut.npy'), { message: expected });
    const file = path.join(dir, 'cut.npy');
    writeFileSync(file, cut);
    await assert.rejects(loadArray(file), { message: expected.replace('cut.npy', file) });
    await assert.rejects(readArrayShape(file), { message: expected.replace('cut.npy', file) });
  });

  it('rejects a file without the magic string', () => {
    assert.throws(() => parseNpy(new TextEncoder().encode('1,2,3\n4,5,6\n'), 'x.npy'), {
      message: /^x\.npy: not a \.npy file/,
    });
  });

  it('refuses to encode data that does not fill the shape', () => {
    assert.throws(() => encodeNpy({ shape: [2, 2], data: new Float32Array(3) }), {
      message: 'encodeNpy: shape [2, 2] holds 4 values but the data has 3',
    });
  });

  it('reads higher-dimensional and empty shapes', () => {
    const grid = parseNpy(
      encodeNpy({ shape: [2, 3, 4, 1], data: new Float32Array(24).map((_, i) => i) }),
      'g',
    );
    assert.deepEqual(grid.shape, [2, 3, 4, 1]);
    assert.equal(grid.data[23], 23);
    const empty = parseNpy(encodeNpy({ shape: [0, 5], data: new Float32Array(0) }), 'e');
    assert.deepEqual(empty.shape, [0, 5]);
  });
});
