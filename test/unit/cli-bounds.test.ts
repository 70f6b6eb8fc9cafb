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

  /** The one refusal in a command's output: `file:line:col: error: MESSAGE` or `mla train: MESSAGE`. */
  function refusal(output: string): string[] {
    return [...output.matchAll(/^(?:mla train: |\S+:\d+:\d+: error: )(.*)$/gm)].map((m) => m[1]);
  }

  /** A copy of the example MLA config with `patch` applied to its parsed JSON. */
  function patchedConfig(name: string, patch: (raw: Record<string, Record<string, unknown>>) => void) {
    const raw = JSON.parse(fs.readFileSync(ws.mla, 'utf8')) as Record<string, Record<string, unknown>>;
    patch(raw);
    const file = path.join(ws.dir, `${name}.mla.json`);
    fs.writeFileSync(file, JSON.stringify(raw, null, 2));
    return Promise.resolve(file);
  }

  const verdicts: [string, () => Promise<string>, RegExp][] = [
    [
      'NaN features',
      () =>
        configWith('nan.npy', async (file) => {
          const weak = await loadArray(path.join(data, 'weak.npy'));
          const values = Float32Array.from(weak.data as Float32Array);
          values[4 * weak.shape[1] + 2] = NaN;
          fs.writeFileSync(file, encodeNpy({ shape: weak.shape, data: values }));
        }),
      /nan\.npy: row 5, column 3: NaN or Inf in features \(found NaN\)$/,
    ],
    [
      'a features file over 2 GiB (sparse)',
      () =>
        configWith('huge.npy', (file) => {
          fs.writeFileSync(file, '');
          fs.truncateSync(file, 2 ** 31 + 4096); // sparse: no disk used
        }),
      /huge\.npy: 2(\.0)? GiB is more than the 2(\.0)? GiB allowed for an array file/,
    ],
    [
      'valFraction 0.999 (an empty training split)',
      () => patchedConfig('val999', (raw) => (raw.training.valFraction = 0.999)),
      /no rows to train on: training\.valFraction 0\.999 moves all \d+ train rows into validation/,
    ],
    [
      'featureDim 50000 (the memory estimate)',
      () => patchedConfig('dim50k', (raw) => (raw.model = { ...raw.model, featureDim: 50000 })),
      /^model\.featureDim 50000: the model needs an estimated [\d.]+ GiB .*above the limit of 4\.0 GiB/,
    ],
  ];
  for (const [what, make, expected] of verdicts) {
    it(`validate and train refuse ${what} with the same message, before a run folder exists`, async () => {
      const config = await make();
      const validate = mla(['validate', config], ws.dir);
      assert.equal(validate.code, 1, validate.stderr);
      const runs = tempDir('cli-verdict');
      const train = mla(['train', config, '--epochs', '1', '--runs-dir', runs], ws.dir);
      assert.notEqual(train.code, 0, train.stderr);
      assert.equal(train.signal, null);
      const said = refusal(validate.stdout);
      assert.equal(said.length, 1, validate.stdout);
      assert.match(said[0], expected);
      assert.deepEqual(refusal(train.stderr), said, train.stderr);
      assert.deepEqual(fs.existsSync(runs) ? fs.readdirSync(runs) : [], []);
    });
  }

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
