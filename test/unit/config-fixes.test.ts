// Quick fixes the validator attaches where the fix is knowable: applying one makes its diagnostic go away.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { validateConfig } from '../../src/core/config/validate';
import type { Diagnostic, TextEdit, TextPosition } from '../../src/core/config/types';
import { exampleWorkspace } from '../support/training';

let configPath: string;

before(async () => {
  const ws = await exampleWorkspace();
  configPath = path.join(ws.dir, 'fixes.mla.json');
});

function offsetOf(text: string, p: TextPosition): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < p.line; i++) offset += lines[i].length + 1;
  return offset + p.character;
}

function apply(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

async function check(text: string): Promise<Diagnostic[]> {
  fs.writeFileSync(configPath, text);
  return (await validateConfig(text, configPath)).diagnostics;
}

describe('config quick fixes', () => {
  it('replaces an unknown modality in mla.order with the closest dataset name first', async () => {
    const text =
      '{\n  "dataset": "data/dataset.json",\n  "mla": { "order": ["strong", "medium", "wek"] }\n}\n';
    const [d] = await check(text);
    assert.match(d.message, /'wek' is not a modality/);
    assert.deepEqual(
      d.fixes!.map((f) => f.title),
      ["Change to 'weak'", "Change to 'medium'", "Change to 'strong'"],
    );
    const fixed = apply(text, d.fixes![0].edits);
    assert.equal(
      fixed,
      '{\n  "dataset": "data/dataset.json",\n  "mla": { "order": ["strong", "medium", "weak"] }\n}\n',
    );
    assert.deepEqual(await check(fixed), []);
  });

  it('renames an unknown encoder key to a dataset modality', async () => {
    const text =
      '{\n  "dataset": "data/dataset.json",\n  "model": { "encoders": { "strng": { "type": "mlp" } } }\n}\n';
    const [d] = await check(text);
    assert.equal(d.fixes![0].title, "Change to 'strong'");
    assert.deepEqual(await check(apply(text, d.fixes![0].edits)), []);
  });

  it('adds the modalities mla.order omits', async () => {
    const text = '{\n  "dataset": "data/dataset.json",\n  "mla": { "order": ["strong"] }\n}\n';
    const [d] = await check(text);
    assert.equal(d.severity, 'warning');
    assert.equal(d.fixes![0].title, "Add 'medium', 'weak' to mla.order");
    const fixed = apply(text, d.fixes![0].edits);
    assert.match(fixed, /"order": \["strong", "medium", "weak"\]/);
    assert.deepEqual(await check(fixed), []);
  });

  it('renames a misspelt key to the one it resembles', async () => {
    const text = '{\n  "dataset": "data/dataset.json",\n  "model": { "featureDimm": 32 }\n}\n';
    const [d] = await check(text);
    assert.equal(d.fixes![0].title, "Rename to 'featureDim'");
    assert.deepEqual(await check(apply(text, d.fixes![0].edits)), []);
  });
});

describe('insert defaults', () => {
  it('fills an mlp encoder object with its defaults, one key per line', async () => {
    const { insertDefaultsFix } = await import('../../src/core/config/defaultsFix');
    const text =
      '{\n  "dataset": "data/dataset.json",\n  "model": {\n    "encoders": {\n      "weak": {\n        "type": "mlp"\n      }\n    }\n  }\n}\n';
    const fix = insertDefaultsFix(text, text.indexOf('"mlp"'))!;
    assert.equal(
      fix.title,
      'Insert the defaults missing in model.encoders.weak (hidden, dropout, activation)',
    );
    const fixed = apply(text, fix.edits);
    assert.match(
      fixed,
      /"type": "mlp",\n {8}"hidden": \[256\],\n {8}"dropout": 0,\n {8}"activation": "relu"\n {6}\}/,
    );
    assert.deepEqual(await check(fixed), []);
  });

  it('fills the training block, then has nothing left; an encoder gets the keys of its type', async () => {
    const { insertDefaultsFix } = await import('../../src/core/config/defaultsFix');
    const text = '{ "dataset": "data/dataset.json", "training": { "epochs": 5 } }';
    const fix = insertDefaultsFix(text, text.indexOf('"epochs"'))!;
    const fixed = apply(text, fix.edits);
    const training = (JSON.parse(fixed) as { training: Record<string, unknown> }).training;
    assert.equal(training.epochs, 5);
    assert.equal(training.batchSize, 64);
    assert.equal(training.valFraction, 0.1);
    assert.deepEqual(await check(fixed), []);
    assert.equal(insertDefaultsFix(fixed, fixed.indexOf('"epochs"')), null);
    const conv =
      '{ "dataset": "data/dataset.json", "model": { "encoders": { "default": { "type": "transformer" } } } }';
    const convFix = insertDefaultsFix(conv, conv.indexOf('"transformer"'))!;
    assert.equal(
      convFix.title,
      'Insert the defaults missing in model.encoders.default (layers, dim, heads, ffDim, dropout)',
    );
  });
});
