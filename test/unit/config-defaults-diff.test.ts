import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { configEntries, differingEntries } from '../../src/core/config/defaultsDiff';
import type { ResolvedConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { writeExampleProject } from '../../src/core/data/exampleProject';
import { makeDataset } from '../fixtures/config/makeDataset';

let dir = '';
before(() => {
  dir = makeDataset();
});

async function resolved(text: string, file = join(dir, 'cfg.mla.json')): Promise<ResolvedConfig> {
  const result = await validateConfig(text, file);
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.config);
  return result.config;
}

const keysOf = (config: ResolvedConfig) => differingEntries(config).map((e) => e.key);

describe('a resolved config against the defaults', () => {
  test('a config naming only its dataset differs in nothing', async () => {
    const config = await resolved('{"dataset": "dataset.json"}');
    assert.deepEqual(keysOf(config), []);
    const entries = configEntries(config);
    const epochs = entries.find((e) => e.key === 'training.epochs');
    assert.deepEqual(epochs, { key: 'training.epochs', value: '100', defaultValue: '100', differs: false });
    // One entry per encoder key of each of the three modalities, none of the ogm/mmpareto options of other methods.
    assert.deepEqual(
      entries.filter((e) => e.key.startsWith('model.encoders.grid.')).map((e) => e.key),
      [
        'model.encoders.grid.type',
        'model.encoders.grid.hidden',
        'model.encoders.grid.dropout',
        'model.encoders.grid.activation',
      ],
    );
    assert.equal(
      entries.some((e) => e.key.startsWith('ogm.') || e.key.startsWith('mmpareto.')),
      false,
    );
  });

  test('the example MLA config: the values it sets differ, the ones it repeats do not', async () => {
    const project = await writeExampleProject(mkdtempSync(join(tmpdir(), 'mla-diff-')), null);
    const file = project.configs[0];
    const config = await resolved(readFileSync(file, 'utf8'), file);
    const differing = differingEntries(config);
    const byKey = new Map(differing.map((e) => [e.key, e]));
    assert.deepEqual(byKey.get('training.epochs'), {
      key: 'training.epochs',
      value: '30',
      defaultValue: '100',
      differs: true,
    });
    assert.equal(byKey.get('training.optimizer.lr')?.value, '0.01');
    assert.equal(byKey.get('training.optimizer.lr')?.defaultValue, '0.001');
    assert.equal(byKey.get('training.lrSchedule.type')?.defaultValue, '"none"');
    // stepSize is compared with the step schedule's own default (70), not marked for existing.
    assert.equal(byKey.get('training.lrSchedule.stepSize')?.defaultValue, '70');
    assert.equal(byKey.get('seeds')?.value, '[0,1,2]');
    assert.equal(byKey.get('model.featureDim')?.value, '64');
    // Written but equal to the default: batch size 64, momentum 0.9, hgm replace.
    for (const same of ['training.batchSize', 'training.optimizer.momentum', 'mla.hgm.mode'])
      assert.equal(byKey.has(same), false, same);
  });

  test('a chosen type compares its keys with that type’s defaults', async () => {
    const config = await resolved(
      JSON.stringify({
        dataset: 'dataset.json',
        method: 'ogm-ge',
        model: { encoders: { grid: { type: 'conv2d', kernelSize: 5 } } },
        training: { epochs: 40, optimizer: { type: 'adam', lr: 0.001 } },
        ogm: { alpha: 0.8 },
      }),
    );
    assert.deepEqual(keysOf(config), [
      'method',
      'model.encoders.grid.type',
      'model.encoders.grid.kernelSize',
      'ogm.alpha',
      'training.epochs',
      'training.optimizer.type',
    ]);
    const entries = new Map(configEntries(config).map((e) => [e.key, e]));
    // Left out, `ogm.end` follows the run's epochs: 40 is its default here.
    assert.equal(entries.get('ogm.end')?.value, '40');
    assert.equal(entries.get('ogm.end')?.differs, false);
    assert.equal(entries.get('training.optimizer.beta2')?.defaultValue, '0.999');
    assert.equal(entries.get('model.encoders.grid.channels')?.defaultValue, '[32,64]');
  });

  test('an older config.json without the model block or the optimizer still lists what it has', async () => {
    const config = await resolved('{"dataset": "dataset.json", "training": {"epochs": 12}}');
    const partial = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    delete partial.model;
    delete (partial.training as Record<string, unknown>).optimizer;
    const entries = configEntries(partial as unknown as ResolvedConfig);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    assert.equal(byKey.get('model')?.value, 'null');
    assert.equal(byKey.get('model')?.differs, true);
    assert.equal(byKey.get('training.epochs')?.value, '12');
    assert.equal(byKey.has('training.optimizer.lr'), false);
  });
});
