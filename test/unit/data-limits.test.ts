// The data loader and the validator on files a cloned repository could hold: devices, FIFOs, loops, files
// over the size limit, a gzip bomb, text too large for one string, and labels files that are empty or have
// a header. Each is refused with a message naming the right file and the limit, the same in validation
// and in training.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { validateConfig } from '../../src/core/config/validate';
import { loadArray, readArrayShape } from '../../src/core/data/arrays';
import { parseCsv, parseTxt, textShape } from '../../src/core/data/csv';
import { writeExampleProject } from '../../src/core/data/exampleProject';
import { encodeNpy } from '../../src/core/data/npy';
import { lineCount, utf8Pieces } from '../../src/core/io/utf8-chunks';
import { dataDiagnostic, preflight } from '../../src/core/train/preflight';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-data-limits-'));
const at = (name: string): string => path.join(dir, name);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

before(() => {
  fs.symlinkSync('/dev/zero', at('zero.csv'));
  fs.symlinkSync('/dev/zero', at('zero.npy'));
  execFileSync('mkfifo', [at('fifo.npy')]);
  execFileSync('mkfifo', [at('fifo.txt')]);
  fs.symlinkSync(at('loop2.csv'), at('loop1.csv'));
  fs.symlinkSync(at('loop1.csv'), at('loop2.csv'));
  fs.writeFileSync(at('rows.csv'), '1,2,3\n'.repeat(400)); // 2400 bytes
  fs.writeFileSync(at('rows.npy'), encodeNpy({ shape: [100, 8], data: new Float32Array(800) })); // 3328 bytes
  // 8 MiB of "0,0,…" rows: compresses about 500:1.
  fs.writeFileSync(
    at('zeros.csv.gz'),
    gzipSync(Buffer.from('0,0,0,0,0,0,0,0\n'.repeat(512 * 1024)), { level: 9 }),
  );
});

describe('array files that are not regular files', () => {
  const cases: [string, string][] = [
    ['zero.csv', 'is a character device, expected a regular file'],
    ['zero.npy', 'is a character device, expected a regular file'],
    ['fifo.npy', 'is a named pipe (FIFO), expected a regular file'],
    ['fifo.txt', 'is a named pipe (FIFO), expected a regular file'],
    ['loop1.csv', 'symlink loop (too many levels of symbolic links)'],
  ];
  for (const [name, detail] of cases) {
    it(`loading and checking the shape of ${name} refuse it at once`, { timeout: 10_000 }, async () => {
      const expected = { name: 'DataError', message: `${at(name)}: ${detail}` };
      await assert.rejects(loadArray(at(name)), expected);
      await assert.rejects(readArrayShape(at(name)), expected);
    });
  }
});

describe('size limits', () => {
  it('refuses an array file over the limit before reading it, in loading and in validation alike', async () => {
    const csv = { message: `${at('rows.csv')}: 2.3 KiB is more than the 2 KiB allowed for an array file` };
    await assert.rejects(loadArray(at('rows.csv'), { maxBytes: 2048 }), csv);
    await assert.rejects(readArrayShape(at('rows.csv'), { maxBytes: 2048 }), csv);
    const npy = { message: `${at('rows.npy')}: 3.3 KiB is more than the 3 KiB allowed for an array file` };
    await assert.rejects(loadArray(at('rows.npy'), { maxBytes: 3072 }), npy);
    await assert.rejects(readArrayShape(at('rows.npy'), { maxBytes: 3072 }), npy);
    assert.deepEqual((await loadArray(at('rows.csv'), { maxBytes: 2400 })).shape, [400, 3]);
    assert.deepEqual(await readArrayShape(at('rows.npy'), { maxBytes: 3328 }), [100, 8]);
  });

  it('stops inflating a .csv.gz at the ratio and the cap, naming both', async () => {
    const file = at('zeros.csv.gz');
    const compressed = fs.statSync(file).size;
    const gzip = { ratio: 100, floor: 64 * 1024, cap: 4 * 1024 * 1024 };
    assert.ok(100 * compressed < 4 * 1024 * 1024, `${compressed} bytes of gzip`); // the ratio binds
    const expected = {
      name: 'DataError',
      message: new RegExp(
        `^${file}: gzip data inflates to more than [\\d.]+ MiB, the limit for this file \\(100× its [\\d.]+ KiB ` +
          'compressed, at least 64 KiB, at most 4 MiB\\); store it uncompressed or as \\.npy$',
      ),
    };
    await assert.rejects(loadArray(file, { gzip }), expected);
    await assert.rejects(readArrayShape(file, { gzip }), expected);
    // Within the default limits (floor 64 MiB) the same file loads: 524288 rows of 8 zeros.
    assert.deepEqual(await readArrayShape(file), [512 * 1024, 8]);
  });
});

describe('text read in pieces', () => {
  const samples: [string, string][] = [
    ['ok.csv', '1,2.5,-3\r\n4e2, 5 ,.5\n7,8,9\n\n\n'],
    ['one.csv', '3\n1\n4\n1\n5\n'],
    ['gap.csv', '1,2\n3,4\n\n\n5,6\n'],
    ['ragged.csv', '1,2,3\n4,5,6\n7,8\n'],
    ['blank-first.csv', '\n\n1,2\n'],
    ['head.csv', 'a,b\n1,2\n'],
    ['empty.csv', '\n\n \n'],
  ];
  const outcome = (read: () => unknown): unknown => {
    try {
      return read();
    } catch (error) {
      return (error as Error).message;
    }
  };
  for (const [name, text] of samples) {
    it(`${name}: pieces of every size give what the whole text gives`, () => {
      const bytes = Buffer.from(text);
      const whole = outcome(() => parseCsv(text, name));
      const wholeShape = outcome(() => textShape(text, name, false));
      for (const size of [1, 2, 3, 7, 64]) {
        const input = () => ({ pieces: utf8Pieces(bytes, name, size), maxLines: lineCount(bytes) });
        assert.deepEqual(
          outcome(() => parseCsv(input(), name)),
          whole,
          `pieces of ${size}`,
        );
        assert.deepEqual(
          outcome(() => textShape(input(), name, false)),
          wholeShape,
          `pieces of ${size}`,
        );
      }
    });
  }

  it('reports where rows go wrong the same way whole or in pieces', () => {
    assert.throws(() => parseCsv('1,2\n3,4\n\n\n5,6\n', 'gap.csv'), {
      message: 'gap.csv: row 3: empty line (expected 2 comma-separated values)',
    });
    assert.throws(
      () => parseTxt({ pieces: utf8Pieces(Buffer.from('1\n2\n\n3\n'), 'g.txt', 1), maxLines: 5 }, 'g.txt'),
      {
        message: 'g.txt: row 3: expected an integer, found an empty cell',
      },
    );
    const a = parseCsv(
      { pieces: utf8Pieces(Buffer.from('1,2\n3,4\n5,6\n\n'), 'p.csv', 2), maxLines: 5 },
      'p.csv',
    );
    assert.deepEqual(a.shape, [3, 2]);
    assert.deepEqual(Array.from(a.data as Float64Array), [1, 2, 3, 4, 5, 6]);
  });

  it('names the line of a file that is not UTF-8 instead of calling the whole file so', async () => {
    fs.writeFileSync(
      at('latin1.csv'),
      Buffer.concat([Buffer.from('1,2\n3,4\n'), Buffer.from([0x35, 0xe9, 0x2c, 0x36, 0x0a])]),
    );
    await assert.rejects(loadArray(at('latin1.csv')), {
      message: `${at('latin1.csv')}: line 3 is not UTF-8 text`,
    });
  });
});

describe('labels files and the one check of validate and train', () => {
  let project: { dir: string; config: string; text: string };

  before(async () => {
    const root = fs.mkdtempSync(path.join(dir, 'project-'));
    const written = await writeExampleProject(root, null);
    const config = written.configs[0];
    project = { dir: path.join(root, 'data'), config, text: fs.readFileSync(config, 'utf8') };
  });

  /** Points the manifest's labels at `name` (written with `content`), and returns both checks' messages. */
  async function withLabels(name: string, content: string | Uint8Array) {
    fs.writeFileSync(path.join(project.dir, name), content);
    const manifestFile = path.join(project.dir, 'dataset.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { labels: string };
    manifest.labels = name;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const validated = await validateConfig(project.text, project.config);
    const checked = await preflight(project.text, project.config);
    return {
      validate: validated.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      preflight: checked.dataError?.message ?? null,
    };
  }

  it('blames a labels file with a header on the labels file, in validation and in loading', async () => {
    const labels = path.join(project.dir, 'headed.txt');
    const r = await withLabels('headed.txt', 'label\n' + '0\n'.repeat(600));
    assert.deepEqual(r.validate, [
      `dataset: ${path.join(project.dir, 'dataset.json')}:3:13: ${labels}: row 1: expected an integer, found "label"`,
    ]);
    assert.equal(r.preflight, null); // the validator's error stops the check before the data is loaded
  });

  it('blames an empty labels file on the labels file', async () => {
    const labels = path.join(project.dir, 'empty.txt');
    const r = await withLabels('empty.txt', '\n');
    assert.deepEqual(r.validate, [
      `dataset: ${path.join(project.dir, 'dataset.json')}:3:13: ${labels}: file is empty (expected one integer per line)`,
    ]);
  });

  it('blames labels of shape [0] on the labels file', async () => {
    const r = await withLabels('none.npy', encodeNpy({ shape: [0], data: new Int32Array(0) }));
    assert.deepEqual(r.validate, [
      `dataset: ${path.join(project.dir, 'dataset.json')}:3:13: none.npy: has no rows (expected one integer label per sample)`,
    ]);
  });

  it('says invalid where training would refuse the data: a NaN the header check cannot see', async () => {
    const features = path.join(project.dir, 'strong.npy');
    const original = fs.readFileSync(features);
    try {
      await withLabels('labels.npy', fs.readFileSync(path.join(project.dir, 'labels.npy')));
      const loaded = await loadArray(features);
      const values = Float32Array.from(loaded.data as Float32Array);
      values[2 * loaded.shape[1] + 1] = NaN;
      fs.writeFileSync(features, encodeNpy({ shape: loaded.shape, data: values }));
      const validated = await validateConfig(project.text, project.config);
      assert.deepEqual(
        validated.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      const checked = await preflight(project.text, project.config);
      assert.equal(checked.dataset, null);
      assert.equal(
        checked.dataError?.message,
        `${features}: row 3, column 2: NaN or Inf in features (found NaN)`,
      );
      const diagnostic = dataDiagnostic(project.text, checked.dataError!);
      assert.equal(diagnostic.pointer, '/dataset');
      assert.equal(project.text.split('\n')[diagnostic.range.start.line].includes('"dataset"'), true);
    } finally {
      fs.writeFileSync(features, original);
    }
    const clean = await preflight(project.text, project.config);
    assert.equal(clean.dataError, null);
    assert.equal(clean.dataset?.modalities.length, 3);
  });
});
