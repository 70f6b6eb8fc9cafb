// The own-data project builder on real files in temp folders: shapes from headers, name-based roles, the
// stratified split it writes, and every mismatch it reports before writing anything.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadDatasetFile } from '../../src/core/data/manifest';
import { readArrayHeader } from '../../src/core/project/arrayHeader';
import { defaultChoices } from '../../src/core/project/choices';
import { createSplits } from '../../src/core/project/createSplits';
import { guessRoles, modalityNamesFromFiles } from '../../src/core/project/guess';
import { planProject } from '../../src/core/project/plan';
import { scanFolder } from '../../src/core/project/scan';
import { ProjectProblems, type ProjectChoices } from '../../src/core/project/types';
import { writeProject } from '../../src/core/project/write';
import { cyclicLabels, labelledFeatures, writeCsv, writeNpy } from '../support/arrays';
import { tempDir } from '../support/training';

/** 3 classes of 60, 30 and 10 samples (not cyclic, so stratification is visible), two modalities. */
function unevenFolder(): { dir: string; labels: Int32Array } {
  const dir = tempDir('project');
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  writeNpy(dir, 'labels.npy', [100], labels);
  writeNpy(dir, 'view_pix.npy', [100, 6], labelledFeatures(labels, 6, 2));
  writeCsv(
    dir,
    'view_fou.csv.gz',
    Array.from(labels, (y, i) => [y, i % 5, 0.5]),
  );
  return { dir, labels };
}

async function problemsOf(dir: string, choices: ProjectChoices): Promise<string[]> {
  try {
    await planProject(dir, await scanFolder(dir), choices);
  } catch (error) {
    assert.ok(error instanceof ProjectProblems, String(error));
    return error.problems;
  }
  assert.fail('expected problems');
}

async function choicesOf(dir: string): Promise<ProjectChoices> {
  const choices = defaultChoices(dir, await scanFolder(dir));
  assert.ok(choices);
  return choices;
}

describe('array headers', () => {
  it('reads shape and dtype of .npy, .csv, .csv.gz and .txt without loading them', async () => {
    const dir = tempDir('headers');
    writeNpy(dir, 'a.npy', [7, 2, 3], new Float64Array(42));
    writeNpy(dir, 'b.npy', [5], new Uint8Array(5));
    writeCsv(dir, 'c.csv', [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    // 70 000 rows: more than one 64 KiB chunk, both plain and compressed; CRLF endings and trailing blank lines.
    const rows = Array.from({ length: 70000 }, (_, i) => [i, i * 2]);
    writeCsv(dir, 'd.csv.gz', rows);
    fs.writeFileSync(path.join(dir, 'e.csv'), rows.map((r) => r.join(',')).join('\r\n') + '\r\n\r\n\n');
    fs.writeFileSync(path.join(dir, 'f.txt'), '3\n1\n4\n1\n5\n');
    assert.deepEqual(await readArrayHeader(path.join(dir, 'a.npy')), { shape: [7, 2, 3], dtype: '<f8' });
    assert.deepEqual(await readArrayHeader(path.join(dir, 'b.npy')), { shape: [5], dtype: '|u1' });
    assert.deepEqual(await readArrayHeader(path.join(dir, 'c.csv')), { shape: [3, 4], dtype: 'csv' });
    assert.deepEqual(await readArrayHeader(path.join(dir, 'd.csv.gz')), { shape: [70000, 2], dtype: 'csv' });
    assert.deepEqual(await readArrayHeader(path.join(dir, 'e.csv')), { shape: [70000, 2], dtype: 'csv' });
    assert.deepEqual(await readArrayHeader(path.join(dir, 'f.txt')), { shape: [5], dtype: 'txt' });
  });

  it('lists unreadable files with the reason, and skips other file types', async () => {
    const dir = tempDir('headers-bad');
    fs.writeFileSync(path.join(dir, 'broken.npy'), 'not numpy at all');
    fs.writeFileSync(path.join(dir, 'broken.csv.gz'), 'not gzip');
    fs.writeFileSync(path.join(dir, 'notes.md'), '# notes');
    writeNpy(dir, 'big.npy', [2, 3], new Float32Array(6));
    // A truncated .npy: header promises 2×3 float32 (24 bytes), file holds 8.
    const whole = fs.readFileSync(path.join(dir, 'big.npy'));
    fs.writeFileSync(path.join(dir, 'short.npy'), whole.subarray(0, whole.length - 16));
    const files = await scanFolder(dir);
    assert.deepEqual(
      files.map((f) => f.name),
      ['big.npy', 'broken.csv.gz', 'broken.npy', 'short.npy'],
    );
    const error = (name: string) => files.find((f) => f.name === name)!.error ?? '';
    assert.match(error('broken.npy'), /broken\.npy: not a \.npy file/);
    assert.match(error('broken.csv.gz'), /broken\.csv\.gz: not a readable gzip file/);
    assert.match(
      error('short.npy'),
      /short\.npy: truncated \.npy data: shape \[2, 3\] of <f4 needs 24 bytes, found 8/,
    );
    assert.deepEqual(files[0].header, { shape: [2, 3], dtype: '<f4' });
  });
});

describe('roles by name', () => {
  it('finds labels, splits and masks, and names modalities after their files', async () => {
    const dir = tempDir('roles');
    const labels = cyclicLabels(20, 2);
    writeCsv(
      dir,
      'y.csv',
      Array.from(labels, (v) => [v]),
    );
    writeNpy(dir, 'feat_rgb.npy', [20, 4, 4, 3], new Float32Array(20 * 48));
    writeNpy(dir, 'feat_depth.npy', [20, 5], new Float32Array(100));
    writeCsv(
      dir,
      'depth_present.csv',
      Array.from(labels, () => [1]),
    );
    fs.writeFileSync(path.join(dir, 'split_tmc_train.txt'), '0\n1\n2\n');
    fs.writeFileSync(path.join(dir, 'split_tmc_test.txt'), '3\n4\n');
    const roles = guessRoles(await scanFolder(dir));
    assert.deepEqual(roles, {
      labels: 'y.csv',
      splits: { train: 'split_tmc_train.txt', test: 'split_tmc_test.txt' },
      masks: { 'feat_depth.npy': 'depth_present.csv' },
      modalities: ['feat_depth.npy', 'feat_rgb.npy'],
    });
    assert.deepEqual(modalityNamesFromFiles(roles.modalities), ['depth', 'rgb']);

    // A second split set is set aside, not offered as a modality; notes in a .txt are listed, never guessed.
    fs.writeFileSync(path.join(dir, 'split_b_train.txt'), '5\n6\n');
    fs.writeFileSync(path.join(dir, 'split_b_test.txt'), '7\n');
    fs.writeFileSync(path.join(dir, 'README.txt'), 'Dataset: a folder of arrays\n2020\n');
    fs.writeFileSync(path.join(dir, 'notes.csv'), '1,2,x\n');
    const files = await scanFolder(dir);
    assert.equal(
      files.find((f) => f.name === 'README.txt')!.error,
      `${path.join(dir, 'README.txt')}: row 1: expected a number, found "Dataset: a folder of arrays"`,
    );
    assert.equal(
      files.find((f) => f.name === 'notes.csv')!.error,
      `${path.join(dir, 'notes.csv')}: row 1, column 3: expected comma-separated numbers, found "x"`,
    );
    const more = guessRoles(files);
    assert.deepEqual(more.splits, { train: 'split_b_train.txt', test: 'split_b_test.txt' });
    assert.deepEqual(more.modalities, ['feat_depth.npy', 'feat_rgb.npy']);
    assert.deepEqual(modalityNamesFromFiles(['pix.npy']), ['pix']);
    assert.deepEqual(modalityNamesFromFiles(['audio.npy', 'audio_2.npy']), ['audio', 'audio_2']);
  });
});

describe('planProject', () => {
  it('writes a seeded stratified 80/20 split, a manifest the loader accepts and two valid configs', async () => {
    const { dir, labels } = unevenFolder();
    const choices = await choicesOf(dir);
    assert.deepEqual(
      choices.modalities.map((m) => [m.name, m.features]),
      [
        ['fou', 'view_fou.csv.gz'],
        ['pix', 'view_pix.npy'],
      ],
    );
    const plan = await planProject(dir, await scanFolder(dir), choices);
    assert.equal(plan.rows, 100);
    assert.equal(plan.classCount, 3);
    assert.deepEqual(plan.sampleShapes, [[3], [6]]);
    const [train, test] = plan.newSplits;
    const perClass = (rows: Int32Array) => [0, 1, 2].map((c) => rows.filter((i) => labels[i] === c).length);
    assert.deepEqual(perClass(test.rows), [12, 6, 2]); // 20% of 60, 30 and 10
    assert.deepEqual(perClass(train.rows), [48, 24, 8]);
    assert.equal(new Set([...train.rows, ...test.rows]).size, 100);

    // The same seed gives the same split; another seed another one.
    const again = await planProject(dir, await scanFolder(dir), choices);
    assert.deepEqual(again.newSplits[1].rows, test.rows);
    const other = await planProject(dir, await scanFolder(dir), { ...choices, seed: 7 });
    assert.notDeepEqual(other.newSplits[1].rows, test.rows);

    const written = await writeProject(plan, null);
    assert.deepEqual(
      written.diagnostics.map((d) => d.diagnostics),
      [[], []],
    );
    assert.deepEqual(
      fs.readFileSync(path.join(dir, 'split_test.txt'), 'utf8').trim().split('\n').map(Number),
      Array.from(test.rows),
    );
    const dataset = await loadDatasetFile(written.manifest);
    assert.deepEqual(
      dataset.modalities.map((m) => [m.name, m.sampleShape]),
      [
        ['fou', [3]],
        ['pix', [6]],
      ],
    );
    assert.equal(dataset.splits.test.length, 20);
    const joint = JSON.parse(fs.readFileSync(written.configs[1], 'utf8')) as Record<string, unknown>;
    assert.equal(joint.method, 'joint');
    assert.equal(joint.name, `${choices.name}-joint`);
    assert.equal('mla' in joint, false);

    // A second write overwrites nothing and says which file is in the way.
    await assert.rejects(writeProject(plan, null), (e: unknown) => {
      assert.ok(e instanceof ProjectProblems);
      assert.match(e.problems[0], /split_train\.txt: already exists: nothing was written/);
      return true;
    });
  });

  it("uses the folder's own split files and leaves valFraction out when there is a val split", async () => {
    const { dir } = unevenFolder();
    fs.writeFileSync(path.join(dir, 'train_idx.txt'), Array.from({ length: 70 }, (_, i) => i).join('\n'));
    fs.writeFileSync(path.join(dir, 'val_idx.txt'), Array.from({ length: 10 }, (_, i) => 70 + i).join('\n'));
    fs.writeFileSync(path.join(dir, 'test_idx.txt'), Array.from({ length: 20 }, (_, i) => 80 + i).join('\n'));
    const plan = await planProject(dir, await scanFolder(dir), await choicesOf(dir));
    assert.deepEqual(plan.newSplits, []);
    const written = await writeProject(plan, null);
    assert.deepEqual(written.splitFiles, []);
    assert.deepEqual(
      written.diagnostics.map((d) => d.diagnostics),
      [[], []],
    );
    const config = JSON.parse(fs.readFileSync(written.configs[0], 'utf8')) as {
      training: Record<string, unknown>;
    };
    assert.equal('valFraction' in config.training, false);
    const dataset = await loadDatasetFile(written.manifest);
    assert.deepEqual(
      [dataset.splits.train.length, dataset.splits.val?.length, dataset.splits.test.length],
      [70, 10, 20],
    );
  });

  it('reports every mismatch with the file and what was expected, and writes nothing', async () => {
    const { dir } = unevenFolder();
    const base = await choicesOf(dir);
    const at = (name: string) => path.join(dir, name);

    writeNpy(dir, 'short.npy', [90, 6], new Float32Array(540));
    writeNpy(dir, 'flat.npy', [100], new Float32Array(100));
    writeCsv(
      dir,
      'odd_mask.csv',
      Array.from({ length: 100 }, () => [1, 0]),
    );
    writeCsv(
      dir,
      'bad_mask.csv',
      Array.from({ length: 100 }, (_, i) => [i === 4 ? 2 : 1]),
    );
    const problems = await problemsOf(dir, {
      ...base,
      modalities: [
        { name: 'pix', features: 'short.npy', present: 'odd_mask.csv' },
        { name: 'flat', features: 'flat.npy' },
        { name: 'fou', features: 'view_fou.csv.gz', present: 'bad_mask.csv' },
      ],
    });
    assert.deepEqual(problems, [
      `${at('short.npy')}: modality 'pix' has 90 rows, but ${at('labels.npy')} has 100 labels: expected one row per label`,
      `${at('odd_mask.csv')}: presence mask of modality 'pix': expected 100 values of 0/1 (shape [100]), found shape [100, 2]`,
      `${at('flat.npy')}: modality 'flat' is 1-D (shape [100]): expected a feature array [N, D], [N, H, W], [N, H, W, C] or [N, T, D]; a label, split or mask file must be marked as one`,
      `${at('bad_mask.csv')}: row 5: presence mask: expected 0 or 1, found 2`,
    ]);

    writeCsv(
      dir,
      'soft.csv',
      Array.from({ length: 100 }, (_, i) => [i === 2 ? 0.5 : i % 3]),
    );
    assert.deepEqual(await problemsOf(dir, { ...base, labels: 'soft.csv' }), [
      `${at('soft.csv')}: row 3: expected an integer class label (0, 1, 2, ...), found 0.5`,
    ]);
    writeCsv(
      dir,
      'neg.csv',
      Array.from({ length: 100 }, (_, i) => [i === 9 ? -1 : 1]),
    );
    assert.deepEqual(await problemsOf(dir, { ...base, labels: 'neg.csv' }), [
      `${at('neg.csv')}: row 10: expected a class label ≥ 0, found -1`,
    ]);
    assert.deepEqual(
      await problemsOf(dir, { ...base, labels: 'view_pix.npy', modalities: [base.modalities[0]] }),
      [`${at('view_pix.npy')}: expected one integer label per row, found an array of shape [100, 6]`],
    );
    assert.deepEqual(await problemsOf(dir, { ...base, classes: ['a', 'b'] }), [
      `class names: 2 given, but ${at('labels.npy')} has label 2 (expected at least 3 names)`,
    ]);
    assert.deepEqual(
      await problemsOf(dir, {
        ...base,
        name: 'my project',
        modalities: [
          { name: 'default', features: 'view_pix.npy' },
          { name: 'a', features: 'view_fou.csv.gz' },
          { name: 'a', features: 'missing.npy' },
        ],
      }),
      [
        `project name "my project": expected letters, digits, '.', '_' or '-' (it names the config files)`,
        `modality name "default" is reserved (model.encoders.default applies to every modality): choose another`,
        `modality name "a" is used twice: expected distinct names`,
        `${at('missing.npy')}: modality 'a' file not found in ${dir}`,
      ],
    );
    assert.deepEqual(await problemsOf(dir, { ...base, testFraction: 1 }), [
      'test fraction 1: expected a number between 0 and 1 (e.g. 0.2)',
    ]);
    fs.writeFileSync(path.join(dir, 'tr.txt'), '0\n1\n2\n1\n');
    fs.writeFileSync(path.join(dir, 'te.txt'), '5\n100\n');
    assert.deepEqual(await problemsOf(dir, { ...base, splits: { train: 'tr.txt' } }), [
      'split files: found train (tr.txt): expected both a train and a test file, or none (then a stratified split is written)',
    ]);
    assert.deepEqual(await problemsOf(dir, { ...base, splits: { train: 'tr.txt', test: 'te.txt' } }), [
      `${at('tr.txt')}: row 4: sample 1 is listed twice`,
      `${at('te.txt')}: row 2: index 100 is outside [0, 100)`,
    ]);
    assert.equal(fs.existsSync(path.join(dir, 'dataset.json')), false);
    assert.equal(fs.existsSync(path.join(dir, 'split_train.txt')), false);
  });
});

describe('createSplits (the quick fix for a manifest without splits)', () => {
  it('writes the same stratified split as the project builder and adds "splits" to the text', async () => {
    const { dir, labels } = unevenFolder();
    const text =
      '{\n  "labels": "labels.npy",\n  "modalities": { "pix": { "features": "view_pix.npy" } }\n}\n';
    const manifest = path.join(dir, 'dataset.json');
    const created = await createSplits(text, manifest);
    assert.deepEqual(created.counts, { train: 80, test: 20 });
    const test = fs.readFileSync(path.join(dir, 'split_test.txt'), 'utf8').trim().split('\n').map(Number);
    assert.deepEqual(
      [0, 1, 2].map((c) => test.filter((i) => labels[i] === c).length),
      [12, 6, 2],
    );
    const plan = await planProject(dir, await scanFolder(dir), { ...(await choicesOf(dir)), splits: {} });
    assert.deepEqual(test, Array.from(plan.newSplits[1].rows));
    const [edit] = created.edits;
    const offsetOf = (p: { line: number; character: number }) =>
      text
        .split('\n')
        .slice(0, p.line)
        .reduce((n, l) => n + l.length + 1, 0) + p.character;
    const fixed =
      text.slice(0, offsetOf(edit.range.start)) + edit.newText + text.slice(offsetOf(edit.range.end));
    fs.writeFileSync(manifest, fixed);
    const dataset = await loadDatasetFile(manifest);
    assert.deepEqual([dataset.splits.train.length, dataset.splits.test.length], [80, 20]);
    await assert.rejects(
      createSplits(text, manifest),
      /split_train\.txt: already exists: name it in "splits" instead/,
    );
  });
});
