// The bounded-read module on real files: symlinks to devices, FIFOs, sockets, folders, symlink loops,
// oversized files and a gzip bomb are refused with a message naming the file and the limit, without
// blocking and without reading them.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import {
  readBounded,
  readBoundedSync,
  readTextBoundedSync,
  refusalToRead,
} from '../../src/core/io/bounded-read';
import { byteSize } from '../../src/core/io/byte-size';
import { FileAccessError } from '../../src/core/io/file-error';
import { gunzipBounded } from '../../src/core/io/gzip';
import { openAppendFileSync } from '../../src/core/io/regular-file';
import { lineCount, utf8Pieces } from '../../src/core/io/utf8-chunks';
import { REPO } from '../support/training';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-io-'));
const at = (name: string): string => path.join(dir, name);
const KiB = 1024;
const MiB = 1024 * KiB;
let server: net.Server;

before(async () => {
  fs.writeFileSync(at('real.json'), '{"a": 1}\n');
  fs.symlinkSync(at('real.json'), at('link-to-real.json'));
  fs.symlinkSync('/dev/zero', at('zero.json'));
  execFileSync('mkfifo', [at('fifo.json')]);
  fs.mkdirSync(at('folder.json'));
  fs.symlinkSync(at('loop-b'), at('loop-a'));
  fs.symlinkSync(at('loop-a'), at('loop-b'));
  fs.writeFileSync(at('big.json'), Buffer.alloc(3 * MiB + 5, 0x20));
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(at('socket.json'), resolve));
});

after(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const small = { limit: MiB, what: 'a test document' };

describe('readBounded / readBoundedSync', () => {
  it('reads a regular file, also through a symlink', async () => {
    assert.equal(readTextBoundedSync(at('link-to-real.json'), small), '{"a": 1}\n');
    assert.equal((await readBounded(at('link-to-real.json'), small)).toString(), '{"a": 1}\n');
  });

  const refusals: [string, FileAccessError['problem'], string][] = [
    ['zero.json', 'not-regular', 'is a character device, expected a regular file'],
    ['fifo.json', 'not-regular', 'is a named pipe (FIFO), expected a regular file'],
    ['socket.json', 'not-regular', 'is a socket, expected a regular file'],
    ['folder.json', 'not-regular', 'is a folder, expected a file'],
    ['loop-a', 'symlink-loop', 'symlink loop (too many levels of symbolic links)'],
    ['missing.json', 'not-found', 'file not found'],
  ];
  for (const [name, problem, detail] of refusals) {
    it(`refuses ${name} without reading or blocking`, { timeout: 10_000 }, async () => {
      const expected = { name: 'FileAccessError', problem, message: `${at(name)}: ${detail}` };
      await assert.rejects(readBounded(at(name), small), expected);
    });
  }

  it('refuses a file over its limit before reading, naming the size and the limit', async () => {
    const expected = {
      problem: 'too-large',
      message: `${at('big.json')}: 3 MiB is more than the 1 MiB allowed for a test document`,
    };
    // 3 MiB + 5 bytes reads as "3 MiB": the figure is rounded, the comparison is not.
    await assert.rejects(readBounded(at('big.json'), small), expected);
    assert.throws(() => readBoundedSync(at('big.json'), small), expected);
    assert.equal(readBoundedSync(at('big.json'), { limit: 3 * MiB + 5, what: 'x' }).length, 3 * MiB + 5);
  });

  it('refuses FIFOs, devices and loops in the synchronous readers and appends too (in a child, so a hang fails)', () => {
    const script = `
      const { readBoundedSync } = require('./src/core/io/bounded-read');
      const { openAppendFileSync } = require('./src/core/io/regular-file');
      const out = [];
      for (const name of ['fifo.json', 'zero.json', 'loop-a']) {
        for (const attempt of [() => readBoundedSync(${JSON.stringify(dir)} + '/' + name, { limit: 1024, what: 'x' }),
                               () => openAppendFileSync(${JSON.stringify(dir)} + '/' + name)]) {
          try { attempt(); out.push('read ' + name); } catch (e) { out.push(e.message); }
        }
      }
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      `${at('fifo.json')}: is a named pipe (FIFO), expected a regular file`,
      `${at('fifo.json')}: is a named pipe (FIFO), expected a regular file`,
      `${at('zero.json')}: is a character device, expected a regular file`,
      `${at('zero.json')}: is a character device, expected a regular file`,
      `${at('loop-a')}: symlink loop (too many levels of symbolic links)`,
      `${at('loop-a')}: symlink loop (too many levels of symbolic links)`,
    ]);
  });

  it('tells an editor command which files it must not open', () => {
    assert.equal(refusalToRead(at('link-to-real.json'), small), null);
    assert.equal(
      refusalToRead(at('zero.json'), small)?.message,
      `${at('zero.json')}: is a character device, expected a regular file`,
    );
    assert.equal(refusalToRead(at('big.json'), small)?.problem, 'too-large');
  });

  it('appends to a regular file it creates', () => {
    const fd = openAppendFileSync(at('log.txt'));
    fs.writeSync(fd, 'one\n');
    fs.closeSync(fd);
    const again = openAppendFileSync(at('log.txt'));
    fs.writeSync(again, 'two\n');
    fs.closeSync(again);
    assert.equal(fs.readFileSync(at('log.txt'), 'utf8'), 'one\ntwo\n');
  });
});

/** 200 MB of zeros as gzip, streamed so the test never holds the inflated bytes. */
async function writeZeroBomb(file: string, megabytes: number): Promise<void> {
  const gzip = createGzip({ level: 9 });
  const out = fs.createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  gzip.pipe(out);
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < megabytes; i++) {
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
}

describe('gunzipBounded', () => {
  const bomb = at('bomb.csv.gz');
  before(() => writeZeroBomb(bomb, 200));

  it('stops a gzip bomb at the absolute cap and names every limit', async () => {
    const compressed = fs.readFileSync(bomb);
    assert.ok(compressed.length < 1 * MiB, `the bomb is ${compressed.length} bytes`);
    await assert.rejects(gunzipBounded(compressed, bomb, { ratio: 1000, floor: MiB, cap: 8 * MiB }), {
      problem: 'inflate-limit',
      message:
        `${bomb}: gzip data inflates to more than 8 MiB, the limit for this file ` +
        `(1000× its ${byteSize(compressed.length)} compressed, at least 1 MiB, at most 8 MiB); ` +
        'store it uncompressed or as .npy',
    });
  });

  it('stops it at the ratio when that is lower, and inflates what fits', async () => {
    const compressed = fs.readFileSync(bomb);
    const limits = { ratio: 10, floor: 64 * KiB, cap: 8 * MiB };
    await assert.rejects(gunzipBounded(compressed, bomb, limits), {
      message: new RegExp(
        `^${bomb}: gzip data inflates to more than ${byteSize(10 * compressed.length)}, the limit .*\\(10× its`,
      ),
    });
    const fits = await gunzipBounded(compressed, bomb, { ratio: 5000, floor: MiB, cap: 200 * MiB });
    assert.equal(fits.length, 200 * MiB);
    assert.equal(fits.indexOf(1), -1);
  });

  it('says when the bytes are not gzip', async () => {
    await assert.rejects(gunzipBounded(Buffer.from('1,2\n'), 'x.csv.gz'), {
      problem: 'not-gzip',
      message: /^x\.csv\.gz: not a readable gzip file \(/,
    });
  });
});

describe('utf8Pieces', () => {
  it('decodes in pieces that end at newlines and join to the whole text', () => {
    const text = 'a,b\nçé,€\n\n12345678901234567890\nlast';
    const bytes = Buffer.from(text);
    // A piece is at least 5 bytes and runs to the next newline: multi-byte characters are never cut.
    assert.deepEqual([...utf8Pieces(bytes, 'p.csv', 5)], ['a,b\nçé,€\n', '\n12345678901234567890\n', 'last']);
    assert.deepEqual(
      [...utf8Pieces(bytes, 'p.csv', 1)],
      ['a,b\n', 'çé,€\n', '\n', '12345678901234567890\n', 'last'],
    );
    assert.deepEqual([...utf8Pieces(bytes, 'p.csv')], [text]);
    assert.equal(lineCount(bytes), 5);
    assert.equal(lineCount(Buffer.from('1\n2\n')), 2);
  });

  it('names the first line that is not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('1,2\n3,4\n5,6\n'),
      Buffer.from([0x37, 0xff, 0x0a]),
      Buffer.from('8\n'),
    ]);
    assert.throws(() => [...utf8Pieces(bytes, 'bad.csv', 4)], {
      problem: 'not-utf8',
      message: 'bad.csv: line 4 is not UTF-8 text',
    });
    assert.throws(() => [...utf8Pieces(bytes, 'bad.csv')], { message: 'bad.csv: line 4 is not UTF-8 text' });
  });
});

describe('byteSize', () => {
  it('writes sizes in binary units, whole figures without decimals', () => {
    assert.deepEqual([1, 900, 1536, 8 * MiB, 2 ** 31 - 1, 13_721_895].map(byteSize), [
      '1 byte',
      '900 bytes',
      '1.5 KiB',
      '8 MiB',
      '2 GiB',
      '13.1 MiB',
    ]);
  });
});
