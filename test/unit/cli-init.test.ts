// `mla init` as a user runs it: the bundled command line on a folder of generated arrays, then a real
// `mla train` of the config it wrote.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunSummary } from '../../src/core/runs/types';
import { cyclicLabels, labelledFeatures, writeCsv, writeNpy } from '../support/arrays';
import { REPO, tempDir } from '../support/training';

const BIN = path.join(REPO, 'bin', 'mla.js');

function mla(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 300 samples of 3 classes: a strong `.npy` modality and a weak `.csv.gz` one. */
function dataFolder(): string {
  const dir = tempDir('init');
  const labels = cyclicLabels(300, 3);
  writeCsv(
    dir,
    'labels.csv',
    Array.from(labels, (y) => [y]),
  );
  writeNpy(dir, 'strong.npy', [300, 6], labelledFeatures(labels, 6, 3));
  writeCsv(
    dir,
    'weak.csv.gz',
    Array.from(labels, (_, i) => [Math.sin(i), Math.cos(i * 2)]),
  );
  return dir;
}

before(() => {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
});

describe('mla init', () => {
  it('writes a project from a folder of arrays that mla train then trains', () => {
    const dir = dataFolder();
    const init = mla(['init', '.', '--name', 'mine', '--yes'], dir);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /strong\.npy {2}\[300, 6\] <f4/);
    assert.match(init.stdout, /weak\.csv\.gz {2}\[300, 2\] csv/);
    assert.match(init.stdout, /project "mine": 300 samples, 3 classes \(labels: labels\.csv\)/);
    assert.match(init.stdout, /split: 240 train \/ 60 test, stratified \(test fraction 0\.2, seed 0\)/);
    assert.match(init.stdout, /train it: mla train mine\.mla\.json/);
    assert.equal(init.stderr, '');
    for (const f of [
      'dataset.json',
      'mine.mla.json',
      'mine-joint.mla.json',
      'split_train.txt',
      'split_test.txt',
    ])
      assert.ok(fs.existsSync(path.join(dir, f)), f);
    assert.equal(mla(['validate', 'mine-joint.mla.json'], dir).code, 0);
    const manifest = mla(['validate', 'dataset.json'], dir);
    assert.equal(manifest.code, 0, manifest.stdout + manifest.stderr);
    assert.match(manifest.stderr, /dataset\.json: valid/);

    const runs = path.join(dir, 'runs');
    const train = mla(
      ['train', 'mine.mla.json', '--epochs', '2', '--seed', '0', '--runs-dir', runs, '--quiet'],
      dir,
    );
    assert.equal(train.code, 0, train.stderr);
    const [runId] = fs.readdirSync(runs);
    const summary = JSON.parse(fs.readFileSync(path.join(runs, runId, 'summary.json'), 'utf8')) as RunSummary;
    assert.equal(summary.epochs, 2);
    assert.deepEqual(Object.keys(summary.test.unimodal).sort(), ['strong', 'weak']);
    // The strong modality carries the label: two epochs lift it well above chance (1/3).
    assert.ok(summary.test.unimodal.strong > 0.6, `strong ${summary.test.unimodal.strong}`);
  });

  it('takes flags for labels, modality names, fraction and seed', () => {
    const dir = dataFolder();
    fs.renameSync(path.join(dir, 'labels.csv'), path.join(dir, 'classes_of_rows.csv'));
    const missing = mla(['init', '.', '--yes'], dir);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /no labels file found by name \(labels\.\*, label\.\*, y\.\*, targets\.\*\): name it with --labels FILE/,
    );
    const r = mla(
      [
        'init',
        dir,
        '--labels',
        'classes_of_rows.csv',
        '--modalities',
        'a=weak.csv.gz,b=strong.npy',
        '--test-fraction',
        '0.1',
        '--seed',
        '4',
        '--classes',
        'x,y,z',
        '--yes',
      ],
      REPO,
    );
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'dataset.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(manifest.modalities, { a: { features: 'weak.csv.gz' }, b: { features: 'strong.npy' } });
    assert.deepEqual(manifest.classes, ['x', 'y', 'z']);
    assert.equal(fs.readFileSync(path.join(dir, 'split_test.txt'), 'utf8').trim().split('\n').length, 30);
    const config = JSON.parse(
      fs.readFileSync(path.join(dir, `${path.basename(dir).toLowerCase()}.mla.json`), 'utf8'),
    ) as { mla: { order: string[] } };
    assert.deepEqual(config.mla.order, ['a', 'b']);
  });

  it('prints its help, and is listed in the main help', () => {
    const help = mla(['init', '--help'], REPO);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--test-fraction F/);
    assert.match(mla(['--help'], REPO).stdout, /mla init DIR \[--labels FILE\]/);
  });

  it('says every mismatch and writes nothing', () => {
    const dir = dataFolder();
    writeNpy(dir, 'short.npy', [299, 4], new Float32Array(299 * 4));
    writeNpy(dir, 'flat.npy', [300], new Float32Array(300));
    const r = mla(['init', '.', '--yes'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mla init: .*flat\.npy: modality 'flat' is 1-D \(shape \[300\]\)/);
    assert.match(
      r.stderr,
      /mla init: .*short\.npy: modality 'short' has 299 rows, but .*labels\.csv has 300 labels/,
    );
    assert.match(r.stderr, /mla init: nothing written \(2 problems\)/);
    assert.equal(fs.existsSync(path.join(dir, 'dataset.json')), false);
    fs.writeFileSync(
      path.join(dir, 'dataset.json'),
      '{\n  "labels": "labels.csv",\n  "modalities": { "s": { "features": "strnog.npy" } },\n  "splits": {}\n}\n',
    );
    const manifest = mla(['validate', 'dataset.json'], dir);
    assert.equal(manifest.code, 1);
    assert.match(manifest.stdout, /^dataset\.json:3:38: error: .*strnog\.npy: file not found$/m);
    assert.match(manifest.stdout, /^dataset\.json:4:13: error: splits: missing required key 'train'$/m);
    const usage = mla(['init', '.', '--test-fraction', '2'], dir);
    assert.equal(usage.code, 2);
    assert.match(
      usage.stderr,
      /--test-fraction: expected a number between 0 and 1 \(e\.g\. 0\.2\), found "2"/,
    );
  });
});
