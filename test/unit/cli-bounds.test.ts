// The bundled `mla` on data and configs a cloned repository could hold: a features file that is a symlink
// to /dev/zero or a FIFO, a gzip bomb, NaN features, an oversized config. Each child runs with a 256 MB
// heap and a deadline, so a regression fails the test instead of exhausting the machine or hanging, and
// `validate` must give the answer `train` gives.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import { loadArray } from '../../src/core/data/arrays';
import { encodeNpy } from '../../src/core/data/npy';
import { ensureBuilt } from '../support/bundle';
import { BIN } from '../support/cli';
import { exampleWorkspace, tempDir } from '../support/training';

function mla(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

let ws: { dir: string; mla: string };
let data: string;

before(async () => {
  ensureBuilt();
  const project = await exampleWorkspace();
  ws = { dir: project.dir, mla: project.mla };
  data = path.join(ws.dir, 'data');
});

/** A copy of the example config whose `weak` modality reads `name` (set up by `make`). */
function configWith(name: string, make: (file: string) => void | Promise<void>): Promise<string> {
  const file = path.join(data, name);
  const manifest = JSON.parse(fs.readFileSync(path.join(data, 'dataset.json'), 'utf8')) as {
    modalities: Record<string, { features: string }>;
  };
  manifest.modalities.weak.features = name;
  const manifestName = `dataset-${name}.json`;
  fs.writeFileSync(path.join(data, manifestName), JSON.stringify(manifest, null, 2));
  const config = JSON.parse(fs.readFileSync(ws.mla, 'utf8')) as { dataset: string };
  config.dataset = `data/${manifestName}`;
  const configFile = path.join(ws.dir, `${name}.mla.json`);
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return Promise.resolve(make(file)).then(() => configFile);
}

describe('mla validate and mla train on files that are not data', () => {
  const refusals: [string, (file: string) => void | Promise<void>, string][] = [
    ['zero.csv', (f) => fs.symlinkSync('/dev/zero', f), 'is a character device, expected a regular file'],
    ['fifo.npy', (f) => execFileSync('mkfifo', [f]), 'is a named pipe (FIFO), expected a regular file'],
    [
      'bomb.csv.gz',
      async (f) => {
        // 200 MB of zeros in about 200 KB: over the 64 MiB the ratio's floor allows.
        const gzip = createGzip({ level: 9 });
        const out = fs.createWriteStream(f);
        gzip.pipe(out);
        const chunk = Buffer.alloc(1024 * 1024, '0');
        for (let i = 0; i < 200; i++) {
          if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
        }
        gzip.end();
        await new Promise<void>((resolve) => out.on('finish', () => resolve()));
      },
      'gzip data inflates to more than 64 MiB, the limit for this file (100× its',
    ],
  ];
  for (const [name, make, detail] of refusals) {
    it(`refuses weak = ${name} with a message naming it, in validate and in train`, async () => {
      const config = await configWith(name, make);
      const file = path.join(data, name);
      const validate = mla(['validate', config], ws.dir);
      assert.equal(validate.code, 1, `${validate.signal ?? ''} ${validate.stderr}`);
      assert.ok(validate.stdout.includes(`${file}: ${detail}`), validate.stdout);
      assert.match(validate.stderr, /: 1 error, 0 warnings\n$/);
      const train = mla(['train', config, '--epochs', '1', '--runs-dir', tempDir('cli-bounds')], ws.dir);
      assert.equal(train.code, 2, `${train.signal ?? ''} ${train.stderr}`);
      assert.ok(train.stderr.includes(`${file}: ${detail}`), train.stderr);
      assert.doesNotMatch(train.stderr, /\n\s+at /);
    });
  }

  it('gives the answer train gives on NaN features: one check, one message', async () => {
    const config = await configWith('nan.npy', async (file) => {
      const weak = await loadArray(path.join(data, 'weak.npy'));
      const values = Float32Array.from(weak.data as Float32Array);
      values[4 * weak.shape[1] + 2] = NaN;
      fs.writeFileSync(file, encodeNpy({ shape: weak.shape, data: values }));
    });
    const message = `${path.join(data, 'nan.npy')}: row 5, column 3: NaN or Inf in features (found NaN)`;
    const validate = mla(['validate', config], ws.dir);
    assert.equal(validate.code, 1, validate.stderr);
    assert.equal(validate.stdout, `nan.npy.mla.json:4:14: error: ${message}\n`);
    const train = mla(['train', config, '--epochs', '1', '--runs-dir', tempDir('cli-bounds')], ws.dir);
    assert.equal(train.code, 1, train.stderr);
    assert.equal(train.stderr, `mla train: ${message}\n`);
  });

  it('refuses a config over 8 MiB before reading it', () => {
    const config = path.join(ws.dir, 'huge.mla.json');
    const text = fs.readFileSync(ws.mla, 'utf8');
    fs.writeFileSync(config, text.replace('{', `{"padding": "${'x'.repeat(9 * 1024 * 1024)}",`));
    for (const command of ['validate', 'train']) {
      const r = mla([command, config], ws.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr,
        `mla ${command}: ${config}: cannot read the config (9 MiB is more than the 8 MiB allowed for a config file)\n`,
      );
    }
  });

  it('refuses featureDim 1e9 before a run folder exists', () => {
    const config = path.join(ws.dir, 'wide.mla.json');
    const raw = JSON.parse(fs.readFileSync(ws.mla, 'utf8')) as { model?: Record<string, unknown> };
    fs.writeFileSync(config, JSON.stringify({ ...raw, model: { ...raw.model, featureDim: 1e9 } }));
    const runs = tempDir('cli-bounds');
    const train = mla(['train', config, '--epochs', '1', '--runs-dir', runs], ws.dir);
    assert.equal(train.code, 2, train.stderr);
    assert.match(train.stderr, /model\.featureDim 1000000000: the model needs an estimated [\d.e+]+ GiB/);
    assert.deepEqual(fs.existsSync(runs) ? fs.readdirSync(runs) : [], []);
    const validate = mla(['validate', config], ws.dir);
    assert.equal(validate.code, 1, validate.stderr);
    assert.match(validate.stdout, /error: model\.featureDim 1000000000: .*above the limit of 4\.0 GiB/);
  });

  it('refuses a --runs-dir under /proc at once, naming the folder', () => {
    const train = mla(['train', ws.mla, '--epochs', '1', '--runs-dir', '/proc/mla-runs'], ws.dir);
    assert.equal(train.signal, null);
    assert.equal(train.code, 1, train.stderr);
    assert.equal(
      train.stderr,
      'mla train: cannot write run folders to /proc/mla-runs: /proc is a virtual file system, not storage\n',
    );
  });
});
