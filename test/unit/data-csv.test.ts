import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadArray, readArrayShape } from '../../src/core/data/arrays';
import { parseCsv, parseTxt } from '../../src/core/data/csv';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mla-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsv', () => {
  it('reads one sample per line into [N, D] float64', () => {
    const a = parseCsv('1,2.5,-3\n4e2, 5 ,.5\n\n\n', 'a.csv');
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, 'csv');
    assert.ok(a.data instanceof Float64Array);
    assert.deepEqual(Array.from(a.data as Float64Array), [1, 2.5, -3, 400, 5, 0.5]);
  });

  it('gives a single column the shape [N] and accepts CRLF', () => {
    const a = parseCsv('3\r\n1\r\n4\r\n', 'y.csv');
    assert.deepEqual(a.shape, [3]);
    assert.deepEqual(Array.from(a.data as Float64Array), [3, 1, 4]);
  });

  it('keeps NaN and Inf spellings as numbers (the dataset checks report them)', () => {
    const a = parseCsv('nan,inf,-inf\nNaN,Infinity,-Infinity\n', 'n.csv');
    assert.deepEqual(Array.from(a.data as Float64Array), [
      NaN,
      Infinity,
      -Infinity,
      NaN,
      Infinity,
      -Infinity,
    ]);
  });

  it('reports a ragged row with its number and both column counts', () => {
    assert.throws(() => parseCsv('1,2,3\n4,5,6\n7,8\n', 'r.csv'), {
      name: 'DataError',
      message: 'r.csv: row 3: expected 3 comma-separated values (as in row 1), found 2',
    });
  });

  it('reports a non-number cell with its row and column', () => {
    assert.throws(() => parseCsv('1,2,3\n4,abc,6\n', 'b.csv'), {
      message: 'b.csv: row 2, column 2: expected a number, found "abc"',
    });
    assert.throws(() => parseCsv('1,2,3\n4,5,\n', 'e.csv'), {
      message: 'e.csv: row 2, column 3: expected a number, found an empty cell',
    });
    assert.throws(() => parseCsv('1,0x1f\n', 'h.csv'), {
      message: 'h.csv: row 1, column 2: expected a number, found "0x1f"',
    });
  });

  it('rejects a header line as a non-number cell', () => {
    assert.throws(() => parseCsv('a,b\n1,2\n', 'head.csv'), {
      message: 'head.csv: row 1, column 1: expected a number, found "a"',
    });
  });

  it('rejects an empty file and a blank line in the middle', () => {
    assert.throws(() => parseCsv('\n\n', 'z.csv'), { message: /^z\.csv: file is empty/ });
    assert.throws(() => parseCsv('1,2\n\n3,4\n', 'g.csv'), {
      message: 'g.csv: row 2: empty line (expected 2 comma-separated values)',
    });
  });
});

describe('parseTxt', () => {
  it('reads one integer per line', () => {
    const a = parseTxt('5\n0\n17\n', 'i.txt');
    assert.deepEqual(a.shape, [3]);
    assert.deepEqual(Array.from(a.data as Float64Array), [5, 0, 17]);
  });

  it('rejects fractions, words and several values on a line', () => {
    assert.throws(() => parseTxt('1\n2.5\n', 'f.txt'), {
      message: 'f.txt: row 2: expected an integer, found "2.5"',
    });
    assert.throws(() => parseTxt('1\nx\n', 'w.txt'), {
      message: 'w.txt: row 2: expected an integer, found "x"',
    });
    assert.throws(() => parseTxt('1,2\n', 'c.txt'), {
      message: 'c.txt: row 1: expected one integer per line, found 2 comma-separated values',
    });
  });
});

describe('loadArray on text files', () => {
  it('reads .csv, .csv.gz and .txt, and their shapes cheaply', async () => {
    const text = '1,2\n3,4\n5,6\n';
    writeFileSync(path.join(dir, 'm.csv'), text);
    writeFileSync(path.join(dir, 'm.csv.gz'), gzipSync(text));
    writeFileSync(path.join(dir, 'UPPER.CSV'), text);
    writeFileSync(path.join(dir, 'i.txt'), '4\n2\n');
    for (const name of ['m.csv', 'm.csv.gz', 'UPPER.CSV']) {
      const a = await loadArray(path.join(dir, name));
      assert.deepEqual(a.shape, [3, 2], name);
      assert.deepEqual(Array.from(a.data as Float64Array), [1, 2, 3, 4, 5, 6], name);
      assert.deepEqual(await readArrayShape(path.join(dir, name)), [3, 2]);
    }
    assert.deepEqual(Array.from((await loadArray(path.join(dir, 'i.txt'))).data as Float64Array), [4, 2]);
    assert.deepEqual(await readArrayShape(path.join(dir, 'i.txt')), [2]);
  });

  it('names the file and the row in errors from gzip files', async () => {
    const file = path.join(dir, 'bad.csv.gz');
    writeFileSync(file, gzipSync('1,2\n3\n'));
    await assert.rejects(loadArray(file), {
      message: `${file}: row 2: expected 2 comma-separated values (as in row 1), found 1`,
    });
  });

  it('reports a corrupt gzip file', async () => {
    const file = path.join(dir, 'corrupt.csv.gz');
    writeFileSync(file, '1,2\n');
    await assert.rejects(loadArray(file), { message: new RegExp(`^${file}: not a readable gzip file \\(`) });
  });

  it('reports a missing file with its path', async () => {
    const file = path.join(dir, 'nope.csv');
    await assert.rejects(loadArray(file), { name: 'DataError', message: `${file}: file not found` });
    await assert.rejects(readArrayShape(path.join(dir, 'nope.npy')), {
      message: `${path.join(dir, 'nope.npy')}: file not found`,
    });
  });

  it('reports a folder where a file was expected', async () => {
    const sub = path.join(dir, 'folder.csv');
    mkdirSync(sub);
    await assert.rejects(loadArray(sub), { message: `${sub}: is a folder, expected a file` });
  });

  it('lists the supported extensions for an unknown one', async () => {
    await assert.rejects(loadArray(path.join(dir, 'x.parquet')), {
      name: 'DataError',
      message: `${path.join(dir, 'x.parquet')}: unknown file type (expected .npy, .csv, .csv.gz, .txt)`,
    });
  });
});
