// Diagnostics of a dataset.json being edited: schema, then the manifest checks on the real files beside it,
// with "the files that exist" as quick fixes for a wrong file name.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import configSchema from '../../schemas/mla-config.schema.json';
import { DATASET_SCHEMA, validateManifestText } from '../../src/core/config/validateManifest';
import { cyclicLabels, writeCsv, writeNpy } from '../support/arrays';
import { tempDir } from '../support/training';

function folder(): string {
  const dir = tempDir('manifest');
  const labels = cyclicLabels(40, 2);
  writeNpy(dir, 'labels.npy', [40], labels);
  writeNpy(dir, 'audio.npy', [40, 3], new Float32Array(120));
  writeCsv(
    dir,
    'video.csv',
    Array.from({ length: 38 }, (_, i) => [i, 1]),
  );
  fs.writeFileSync(path.join(dir, 'train.txt'), Array.from({ length: 30 }, (_, i) => i).join('\n'));
  fs.writeFileSync(path.join(dir, 'test.txt'), Array.from({ length: 10 }, (_, i) => 30 + i).join('\n'));
  return dir;
}

const manifest = (modalities: string, extra = '') =>
  `{\n  "labels": "labels.npy",\n  "modalities": ${modalities},\n  "splits": { "train": "train.txt", "test": "test.txt" }${extra}\n}\n`;

describe('dataset.json diagnostics', () => {
  it('has the same keys as the inline manifest of the config schema', () => {
    const inline = (configSchema as { definitions: { manifest: { properties: object; required: string[] } } })
      .definitions.manifest;
    const own = DATASET_SCHEMA.properties!;
    assert.deepEqual(
      Object.keys(own).filter((k) => k !== '$schema'),
      Object.keys(inline.properties),
    );
    assert.deepEqual(DATASET_SCHEMA.required, inline.required);
  });

  it('is clean for a good manifest', async () => {
    const dir = folder();
    const text = manifest('{ "audio": { "features": "audio.npy" } }');
    assert.deepEqual(await validateManifestText(text, path.join(dir, 'dataset.json')), []);
  });

  it('reports row counts and unknown keys at their place, and offers the existing files for a wrong name', async () => {
    const dir = folder();
    const text = manifest(
      '{ "audio": { "features": "audoi.npy" }, "video": { "features": "video.csv" } }',
      ',\n  "clases": []',
    );
    const found = await validateManifestText(text, path.join(dir, 'dataset.json'));
    assert.deepEqual(
      found.map((d) => [d.severity, d.pointer, d.range.start.line, d.message]),
      [
        ['error', '/modalities/audio/features', 2, `${path.join(dir, 'audoi.npy')}: file not found`],
        ['error', '/modalities/video/features', 2, 'video.csv: expected 40 rows (one per label), found 38'],
        [
          'error',
          '/clases',
          4,
          "unknown key 'clases' in the manifest: expected one of '$schema', 'name', 'labels', 'classes', 'modalities', 'splits' (did you mean 'classes'?)",
        ],
      ],
    );
    const fixes = found[0].fixes!;
    assert.equal(fixes[0].title, "Change to 'audio.npy'");
    assert.equal(fixes[0].edits[0].newText, '"audio.npy"');
    assert.deepEqual(
      fixes.map((f) => f.title).sort(),
      ['audio.npy', 'labels.npy', 'test.txt', 'train.txt', 'video.csv'].map((n) => `Change to '${n}'`).sort(),
    );
    const missing = await validateManifestText('{ "labels": "labels.npy" }', path.join(dir, 'dataset.json'));
    assert.deepEqual(
      missing.map((d) => d.message),
      ["the manifest: missing required key 'modalities'", "the manifest: missing required key 'splits'"],
    );
  });
});
