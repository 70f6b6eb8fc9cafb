import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { EncoderConfig, ResolvedConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { makeDataset, N } from '../fixtures/config/makeDataset';
import { handwrittenLikeWorkspace } from '../fixtures/handwritten/makeHandwrittenLike';

let dir = '';
before(() => {
  dir = makeDataset();
});

async function resolveText(text: string, file = 'cfg.mla.json'): Promise<ResolvedConfig> {
  const result = await validateConfig(text, join(dir, file));
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.config);
  return result.config;
}

const MLP: EncoderConfig = { type: 'mlp', hidden: [256], dropout: 0, activation: 'relu' };

describe('resolveConfig through validateConfig', () => {
  test('a minimal config gets every default', async () => {
    const config = await resolveText('{"dataset": "dataset.json"}');
    const expected: ResolvedConfig = {
      name: 'cfg',
      dataset: join(dir, 'dataset.json'),
      inlineDataset: null,
      datasetBaseDir: dir,
      method: 'mla',
      model: { featureDim: 128, encoders: { vec: MLP, grid: MLP, rgb: MLP } },
      mla: {
        order: ['vec', 'grid', 'rgb'],
        alternation: 'fixed',
        hgm: { mode: 'replace' },
        fusion: { type: 'entropy' },
        replicateTorchZeroGradQuirk: false,
      },
      ogm: { alpha: 0.5, start: 1, end: 100, noise: true },
      mmpareto: { gamma: 1.5 },
      gblending: { warmupEpochs: 2, holdout: 0.2 },
      reconboost: { stageEpochs: 2, rectifyEpochs: 1, lambda: 0.5 },
      preprocess: { scale: 'standardize', missingRate: { train: 0, test: 0 }, missingFill: 'skip' },
      training: {
        epochs: 100,
        batchSize: 64,
        optimizer: { type: 'sgd', lr: 0.001, momentum: 0.9, nesterov: false, weightDecay: 0.0001 },
        lrSchedule: { type: 'none' },
        valFraction: 0.1,
      },
      seeds: [0],
      backend: 'auto',
      threads: 'auto',
    };
    assert.deepEqual(config, expected);
  });

  test('the handwritten config validates cleanly and resolves to six mlp encoders', async () => {
    const { dir: folder, config: file } = handwrittenLikeWorkspace();
    const result = await validateConfig(readFileSync(file, 'utf8'), file);
    assert.deepEqual(result.diagnostics, []);
    const config = result.config!;
    assert.deepEqual(Object.keys(config.model.encoders), ['pix', 'fou', 'fac', 'zer', 'kar', 'mor']);
    for (const e of Object.values(config.model.encoders)) {
      assert.deepEqual(e, { type: 'mlp', hidden: [256], dropout: 0.1, activation: 'relu' });
    }
    assert.equal(config.dataset, join(folder, 'dataset.json'));
    assert.deepEqual(config.training.optimizer, {
      type: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 0.0001,
    });
    assert.deepEqual(config.training.lrSchedule, { type: 'step', stepSize: 70, gamma: 0.1 });
    assert.deepEqual(config.seeds, [0, 1, 2]);
    assert.equal(config.name, 'handwritten-mla');
  });

  test('a present optimizer takes PyTorch defaults for its missing keys', async () => {
    const opt = async (o: string) =>
      (await resolveText(`{"dataset": "dataset.json", "training": {"optimizer": ${o}}}`)).training.optimizer;
    assert.deepEqual(await opt('{"lr": 0.1}'), {
      type: 'sgd',
      lr: 0.1,
      momentum: 0,
      nesterov: false,
      weightDecay: 0,
    });
    assert.deepEqual(await opt('{"type": "adam"}'), {
      type: 'adam',
      lr: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
    });
    assert.equal((await opt('{"type": "adamw", "lr": 0.0003}')).weightDecay, 0.01);
  });

  test('a per-modality encoder replaces default entirely; other types get their own defaults', async () => {
    const config = await resolveText(
      JSON.stringify({
        dataset: 'dataset.json',
        model: {
          featureDim: 32,
          encoders: {
            default: { hidden: [512, 64], dropout: 0.2, activation: 'gelu' },
            vec: { type: 'mlp' },
            grid: { type: 'conv2d' },
            rgb: { type: 'resnet18' },
          },
        },
      }),
    );
    assert.equal(config.model.featureDim, 32);
    assert.deepEqual(config.model.encoders.vec, MLP);
    assert.deepEqual(config.model.encoders.grid, {
      type: 'conv2d',
      channels: [32, 64],
      kernelSize: 3,
      dropout: 0,
      activation: 'relu',
    });
    assert.deepEqual(config.model.encoders.rgb, { type: 'resnet18', widths: [64, 128, 256, 512] });
    const withDefault = await resolveText(
      '{"dataset": "dataset.json", "model": {"encoders": {"default": {"hidden": [512, 64], "dropout": 0.2}, "grid": {"type": "transformer"}, "rgb": {"type": "conv2d", "channels": [8]}}}}',
    );
    assert.deepEqual(withDefault.model.encoders.vec, {
      type: 'mlp',
      hidden: [512, 64],
      dropout: 0.2,
      activation: 'relu',
    });
    assert.deepEqual(withDefault.model.encoders.grid, {
      type: 'transformer',
      layers: 2,
      dim: 64,
      heads: 4,
      ffDim: 128,
      dropout: 0.1,
    });
    assert.deepEqual(
      withDefault.model.encoders.rgb.type === 'conv2d' && withDefault.model.encoders.rgb.channels,
      [8],
    );
  });

  test('conv1d fits a [T, D] sample with its defaults', async () => {
    const config = await resolveText(
      '{"dataset": "dataset.json", "model": {"encoders": {"grid": {"type": "conv1d"}}}}',
    );
    assert.deepEqual(config.model.encoders.grid, {
      type: 'conv1d',
      channels: [64, 128],
      kernelSize: 5,
      dropout: 0,
      activation: 'relu',
    });
  });

  test('fusion and schedule variants resolve with their defaults', async () => {
    const fixed = await resolveText(
      '{"dataset": "dataset.json", "mla": {"order": ["rgb", "vec", "grid"], "fusion": {"type": "fixed", "weights": [0.5, 0.25, 0]}}}',
    );
    assert.deepEqual(fixed.mla.fusion, { type: 'fixed', weights: { rgb: 0.5, vec: 0.25, grid: 0 } });
    assert.deepEqual(fixed.mla.order, ['rgb', 'vec', 'grid']);
    const batch = await resolveText(
      '{"dataset": "dataset.json", "mla": {"fusion": {"type": "entropy-batch"}, "hgm": {"mode": "off"}}, "training": {"lrSchedule": {"type": "step"}}}',
    );
    assert.deepEqual(batch.mla.fusion, { type: 'entropy-batch', batchSize: 64 });
    assert.equal(batch.mla.hgm.mode, 'off');
    assert.deepEqual(batch.training.lrSchedule, { type: 'step', stepSize: 70, gamma: 0.1 });
    const cosine = await resolveText(
      '{"dataset": "dataset.json", "training": {"lrSchedule": {"type": "cosine"}}}',
    );
    assert.deepEqual(cosine.training.lrSchedule, { type: 'cosine', minLr: 0 });
  });

  test('an inline manifest keeps its document order and resolves against the config folder', async () => {
    const manifest = `{"labels": "labels.csv", "modalities": {"2": {"features": "rgb.npy"}, "1": {"features": "vec.csv"}},
      "splits": {"train": "train.txt", "test": "test.txt"}}`;
    const config = await resolveText(
      `{"$schema": "x", "name": "inline", "dataset": ${manifest}}`,
      'other.json',
    );
    assert.equal(config.name, 'inline');
    assert.equal(config.dataset, null);
    assert.equal(config.datasetBaseDir, dir);
    assert.deepEqual(config.mla.order, ['2', '1']);
    assert.deepEqual((config.inlineDataset as { labels: string }).labels, 'labels.csv');
  });

  test('valFraction 0 is fine with a val split; a non-zero one is then ignored with a warning', async () => {
    const ok = await resolveText('{"dataset": "dataset-val.json", "training": {"valFraction": 0}}');
    assert.equal(ok.training.valFraction, 0);
    const result = await validateConfig('{"dataset": "dataset-val.json"}', join(dir, 'cfg.mla.json'));
    assert.deepEqual(result.diagnostics, []);
    const warned = await validateConfig(
      '{"dataset": "dataset-val.json", "training": {"valFraction": 0.2}}',
      join(dir, 'cfg.mla.json'),
    );
    assert.deepEqual(
      warned.diagnostics.map((d) => [d.severity, d.pointer]),
      [['warning', '/training/valFraction']],
    );
    assert.ok(warned.config, 'warnings do not block resolution');
  });

  test('checkDataset false reads only the manifest', async () => {
    const text =
      '{"dataset": {"labels": "labels.csv", "modalities": {"a": {"features": "absent.npy"}}, "splits": {"train": "t.txt", "test": "u.txt"}}, "mla": {"order": ["b"]}}';
    const quick = await validateConfig(text, join(dir, 'cfg.mla.json'), { checkDataset: false });
    assert.deepEqual(
      quick.diagnostics.map((d) => d.pointer),
      ['/mla/order/0'],
    );
    const full = await validateConfig(text, join(dir, 'cfg.mla.json'));
    assert.deepEqual(full.diagnostics.map((d) => d.pointer).sort(), [
      '/dataset/modalities/a/features',
      '/dataset/splits/test',
      '/dataset/splits/train',
      '/mla/order/0',
    ]);
  });

  test('a changed data file is seen on the next validation (cache keyed by mtime and size)', async () => {
    const text = '{"dataset": "dataset.json"}';
    const file = join(dir, 'cfg.mla.json');
    assert.deepEqual((await validateConfig(text, file)).diagnostics, []);
    writeFileSync(join(dir, 'vec.csv'), '1,2,3\n'.repeat(N + 1));
    const after = await validateConfig(text, file);
    assert.equal(after.diagnostics.length, 1);
    assert.match(after.diagnostics[0].message, /vec\.csv: expected 6 rows \(one per label\), found 7/);
    writeFileSync(join(dir, 'vec.csv'), '1,2,3\n'.repeat(N));
    assert.deepEqual((await validateConfig(text, file)).diagnostics, []);
  });
});
