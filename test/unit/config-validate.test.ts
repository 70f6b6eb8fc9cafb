import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Diagnostic } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import { makeDataset } from '../fixtures/config/makeDataset';

interface BrokenCase {
  name: string;
  text: string;
  message: string;
  severity: Diagnostic['severity'];
  pointer: string;
  /** [startLine, startChar, endLine, endChar], 0-based. */
  range: [number, number, number, number];
  /** The exact text the range covers. */
  covers: string;
}

const D = '{"dataset": "dataset.json", ';

const CASES: BrokenCase[] = [
  // syntax
  {
    name: 'trailing comma in object',
    text: '{"dataset": "dataset.json",\n}',
    message: "trailing comma before '}'",
    severity: 'error',
    pointer: '',
    range: [0, 26, 0, 27],
    covers: ',',
  },
  {
    name: 'trailing comma in array',
    text: D + '"seeds": [1, 2,]}',
    message: "trailing comma before ']'",
    severity: 'error',
    pointer: '',
    range: [0, 42, 0, 43],
    covers: ',',
  },
  {
    name: 'comment',
    text: '{\n  "dataset": "dataset.json" // the data\n}',
    message: 'comments are not allowed',
    severity: 'error',
    pointer: '',
    range: [1, 28, 1, 39],
    covers: '// the data',
  },
  {
    name: 'missing comma',
    text: '{"dataset": "dataset.json"\n "method": "mla"}',
    message: "expected ',' or the end",
    severity: 'error',
    pointer: '',
    range: [1, 1, 1, 9],
    covers: '"method"',
  },
  {
    name: 'empty file',
    text: '',
    message: 'the file is empty',
    severity: 'error',
    pointer: '',
    range: [0, 0, 0, 0],
    covers: '',
  },
  {
    name: 'single quotes',
    text: '{"dataset": \'dataset.json\'}',
    message: 'invalid JSON: expected a JSON value',
    severity: 'error',
    pointer: '',
    range: [0, 12, 0, 26],
    covers: "'dataset.json'",
  },
  // types
  {
    name: 'root not an object',
    text: '[1, 2]',
    message: 'expected an object, found [1,2]',
    severity: 'error',
    pointer: '',
    range: [0, 0, 0, 6],
    covers: '[1, 2]',
  },
  {
    name: 'dataset a number',
    text: '{"dataset": 42}',
    message: 'expected a string or an object, found 42',
    severity: 'error',
    pointer: '/dataset',
    range: [0, 12, 0, 14],
    covers: '42',
  },
  {
    name: 'seeds a string',
    text: D + '"seeds": "0"}',
    message: 'expected an array, found "0"',
    severity: 'error',
    pointer: '/seeds',
    range: [0, 37, 0, 40],
    covers: '"0"',
  },
  {
    name: 'epochs a string',
    text: D + '"training": {\n  "epochs": "10"\n}}',
    message: 'expected an integer ≥ 1, found "10"',
    severity: 'error',
    pointer: '/training/epochs',
    range: [1, 12, 1, 16],
    covers: '"10"',
  },
  {
    name: 'featureDim fractional',
    text: D + '"model": {"featureDim": 12.5}}',
    message: 'expected an integer ≥ 1, found 12.5',
    severity: 'error',
    pointer: '/model/featureDim',
    range: [0, 52, 0, 56],
    covers: '12.5',
  },
  {
    name: 'nesterov a string',
    text: D + '"training": {"optimizer": {"type": "sgd", "nesterov": "yes"}}}',
    message: 'expected true or false, found "yes"',
    severity: 'error',
    pointer: '/training/optimizer/nesterov',
    range: [0, 82, 0, 87],
    covers: '"yes"',
  },
  // enums
  {
    name: 'method misspelt',
    text: D + '"method": "mlaa"}',
    message: `expected one of 'mla', 'joint', 'unimodal', 'ogm-ge', 'mmpareto', 'gblending', 'reconboost', found "mlaa" (did you mean 'mla'?)`,
    severity: 'error',
    pointer: '/method',
    range: [0, 38, 0, 44],
    covers: '"mlaa"',
  },
  {
    name: 'hgm mode',
    text: D + '"mla": {"hgm": {"mode": "on"}}}',
    message: `expected one of 'replace', 'add', 'off', found "on"`,
    severity: 'error',
    pointer: '/mla/hgm/mode',
    range: [0, 52, 0, 56],
    covers: '"on"',
  },
  {
    name: 'backend',
    text: D + '"backend": "gpu"}',
    message: `expected one of 'auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu', found "gpu"`,
    severity: 'error',
    pointer: '/backend',
    range: [0, 39, 0, 44],
    covers: '"gpu"',
  },
  {
    name: 'encoder type',
    text: D + '"model": {"encoders": {"default": {"type": "cnn"}}}}',
    message: `expected one of 'mlp', 'conv1d', 'conv2d', 'resnet18', 'transformer', found "cnn"`,
    severity: 'error',
    pointer: '/model/encoders/default/type',
    range: [0, 71, 0, 76],
    covers: '"cnn"',
  },
  {
    name: 'fusion type misspelt',
    text: D + '"mla": {"fusion": {"type": "entropie"}}}',
    message: "(did you mean 'entropy'?)",
    severity: 'error',
    pointer: '/mla/fusion/type',
    range: [0, 55, 0, 65],
    covers: '"entropie"',
  },
  {
    name: 'scale',
    text: D + '"preprocess": {"scale": "zscore"}}',
    message: `expected one of 'standardize', 'minmax', 'none', found "zscore"`,
    severity: 'error',
    pointer: '/preprocess/scale',
    range: [0, 52, 0, 60],
    covers: '"zscore"',
  },
  // ranges
  {
    name: 'batchSize 0',
    text: D + '"training": {"batchSize": 0}}',
    message: 'expected an integer ≥ 1, found 0',
    severity: 'error',
    pointer: '/training/batchSize',
    range: [0, 54, 0, 55],
    covers: '0',
  },
  {
    name: 'lr 0',
    text: D + '"training": {"optimizer": {"lr": 0}}}',
    message: 'expected a number > 0, found 0',
    severity: 'error',
    pointer: '/training/optimizer/lr',
    range: [0, 61, 0, 62],
    covers: '0',
  },
  {
    name: 'momentum 1',
    text: D + '"training": {"optimizer": {"type": "sgd", "momentum": 1}}}',
    message: 'expected a number ≥ 0 and < 1, found 1',
    severity: 'error',
    pointer: '/training/optimizer/momentum',
    range: [0, 82, 0, 83],
    covers: '1',
  },
  {
    name: 'beta2 1',
    text: D + '"training": {"optimizer": {"type": "adam", "beta2": 1.0}}}',
    message: 'expected a number ≥ 0 and < 1, found 1',
    severity: 'error',
    pointer: '/training/optimizer/beta2',
    range: [0, 80, 0, 83],
    covers: '1.0',
  },
  {
    name: 'valFraction 1',
    text: D + '"training": {"valFraction": 1}}',
    message: 'expected a number ≥ 0 and < 1, found 1',
    severity: 'error',
    pointer: '/training/valFraction',
    range: [0, 56, 0, 57],
    covers: '1',
  },
  {
    name: 'missingRate negative',
    text: D + '"preprocess": {"missingRate": -0.1}}',
    message: 'expected a number ≥ 0 and < 1, found -0.1',
    severity: 'error',
    pointer: '/preprocess/missingRate',
    range: [0, 58, 0, 62],
    covers: '-0.1',
  },
  {
    name: 'missingRate test rate 1',
    text: D + '"preprocess": {"missingRate": {"train": 0.2, "test": 1}}}',
    message: 'expected a number ≥ 0 and < 1, found 1',
    severity: 'error',
    pointer: '/preprocess/missingRate/test',
    range: [0, 81, 0, 82],
    covers: '1',
  },
  {
    name: 'missingFill misspelt',
    text: D + '"preprocess": {"missingFill": "zero"}}',
    message: `expected one of 'skip', 'zeros', found "zero" (did you mean 'zeros'?)`,
    severity: 'error',
    pointer: '/preprocess/missingFill',
    range: [0, 58, 0, 64],
    covers: '"zero"',
  },
  {
    name: 'stepSize 0',
    text: D + '"training": {"lrSchedule": {"type": "step", "stepSize": 0}}}',
    message: 'expected an integer ≥ 1, found 0',
    severity: 'error',
    pointer: '/training/lrSchedule/stepSize',
    range: [0, 84, 0, 85],
    covers: '0',
  },
  {
    name: 'dropout 1',
    text: D + '"model": {"encoders": {"default": {"dropout": 1}}}}',
    message: 'expected a number ≥ 0 and < 1, found 1',
    severity: 'error',
    pointer: '/model/encoders/default/dropout',
    range: [0, 74, 0, 75],
    covers: '1',
  },
  {
    name: 'seeds empty',
    text: D + '"seeds": []}',
    message: 'expected at least 1 item, found 0',
    severity: 'error',
    pointer: '/seeds',
    range: [0, 37, 0, 39],
    covers: '[]',
  },
  {
    name: 'seeds duplicate',
    text: D + '"seeds": [0, 1, 0]}',
    message: 'duplicate entry 0 (already at index 0)',
    severity: 'error',
    pointer: '/seeds/2',
    range: [0, 44, 0, 45],
    covers: '0',
  },
  {
    name: 'seed fractional',
    text: D + '"seeds": [1.5]}',
    message: 'expected an integer ≥ 0 and ≤ 4294967295, found 1.5',
    severity: 'error',
    pointer: '/seeds/0',
    range: [0, 38, 0, 41],
    covers: '1.5',
  },
  {
    name: 'resnet widths',
    text: D + '"model": {"encoders": {"grid": {"type": "resnet18", "widths": [64, 128]}}}}',
    message: 'expected exactly 4 items, found 2',
    severity: 'error',
    pointer: '/model/encoders/grid/widths',
    range: [0, 90, 0, 99],
    covers: '[64, 128]',
  },
  // unknown keys
  {
    name: 'featuredim',
    text: D + '"model": {\n  "featuredim": 64\n}}',
    message:
      "unknown key 'featuredim' in model (/model): expected one of 'featureDim', 'encoders' (did you mean 'featureDim'?)",
    severity: 'error',
    pointer: '/model/featuredim',
    range: [1, 2, 1, 14],
    covers: '"featuredim"',
  },
  {
    name: 'seed at top',
    text: D + '"seed": [1]}',
    message: "(did you mean 'seeds'?)",
    severity: 'error',
    pointer: '/seed',
    range: [0, 28, 0, 34],
    covers: '"seed"',
  },
  {
    name: 'hidden in conv1d',
    text: D + '"model": {"encoders": {"grid": {"type": "conv1d", "hidden": [8]}}}}',
    message:
      "unknown key 'hidden' in conv1d encoder (/model/encoders/grid): expected one of 'type', 'channels', 'kernelSize', 'dropout', 'activation'",
    severity: 'error',
    pointer: '/model/encoders/grid/hidden',
    range: [0, 78, 0, 86],
    covers: '"hidden"',
  },
  {
    name: 'momentum with adam',
    text: D + '"training": {"optimizer": {"type": "adam", "momentum": 0.9}}}',
    message: "unknown key 'momentum' in adam optimizer",
    severity: 'error',
    pointer: '/training/optimizer/momentum',
    range: [0, 71, 0, 81],
    covers: '"momentum"',
  },
  {
    name: 'duplicate key',
    text: D + '"method": "mla", "method": "joint"}',
    message: "duplicate key 'method'",
    severity: 'warning',
    pointer: '/method',
    range: [0, 45, 0, 53],
    covers: '"method"',
  },
  // missing required keys
  {
    name: 'no dataset',
    text: '{\n  "method": "mla"\n}',
    message: "the config: missing required key 'dataset'",
    severity: 'error',
    pointer: '',
    range: [0, 0, 2, 1],
    covers: '{\n  "method": "mla"\n}',
  },
  {
    name: 'fixed without weights',
    text: D + '"mla": {"fusion": {"type": "fixed"}}}',
    message: "fixed fusion: missing required key 'weights'",
    severity: 'error',
    pointer: '/mla/fusion',
    range: [0, 46, 0, 63],
    covers: '{"type": "fixed"}',
  },
  // dataset
  {
    name: 'dataset file missing',
    text: '{"dataset": "nope/dataset.json"}',
    message: 'nope/dataset.json not found (the path is relative to the config file)',
    severity: 'error',
    pointer: '/dataset',
    range: [0, 12, 0, 31],
    covers: '"nope/dataset.json"',
  },
  {
    name: 'manifest without labels',
    text: '{"dataset": "dataset-nolabels.json"}',
    message: "dataset-nolabels.json:1:1: missing required key 'labels'",
    severity: 'error',
    pointer: '/dataset',
    range: [0, 12, 0, 35],
    covers: '"dataset-nolabels.json"',
  },
  {
    name: 'features with too few rows',
    text: '{"dataset": "dataset-short.json"}',
    message: 'dataset-short.json:1:56: short.csv: expected 6 rows (one per label), found 4',
    severity: 'error',
    pointer: '/dataset',
    range: [0, 12, 0, 32],
    covers: '"dataset-short.json"',
  },
  {
    name: 'inline manifest without splits',
    text: '{"dataset": {"labels": "labels.csv", "modalities": {"vec": {"features": "vec.csv"}}}}',
    message: "inline dataset manifest: missing required key 'splits'",
    severity: 'error',
    pointer: '/dataset',
    range: [0, 12, 0, 84],
    covers: '{"labels": "labels.csv", "modalities": {"vec": {"features": "vec.csv"}}}',
  },
  {
    name: 'inline manifest features missing',
    text: '{"dataset": {"labels": "labels.csv", "modalities": {"vec": {"features": "gone.csv"}},\n "splits": {"train": "train.txt", "test": "test.txt"}}}',
    message: 'gone.csv: file not found',
    severity: 'error',
    pointer: '/dataset/modalities/vec/features',
    range: [0, 72, 0, 82],
    covers: '"gone.csv"',
  },
  // modality names
  {
    name: 'order unknown modality',
    text: D + '"mla": {"order": ["vec", "gridd", "rgb"]}}',
    message:
      "'gridd' is not a modality of the dataset: expected one of 'vec', 'grid', 'rgb' (did you mean 'grid'?)",
    severity: 'error',
    pointer: '/mla/order/1',
    range: [0, 53, 0, 60],
    covers: '"gridd"',
  },
  {
    name: 'order omits a modality',
    text: D + '"mla": {"order": ["vec", "grid"]}}',
    message: "mla.order omits 'rgb'",
    severity: 'warning',
    pointer: '/mla/order',
    range: [0, 45, 0, 60],
    covers: '["vec", "grid"]',
  },
  {
    name: 'order duplicate',
    text: D + '"mla": {"order": ["vec", "grid", "vec", "rgb"]}}',
    message: 'duplicate entry "vec" (already at index 0)',
    severity: 'error',
    pointer: '/mla/order/2',
    range: [0, 61, 0, 66],
    covers: '"vec"',
  },
  {
    name: 'encoder for unknown modality',
    text: D + '"model": {"encoders": {"vecc": {"type": "mlp"}}}}',
    message:
      "model.encoders: 'vecc' is not a modality of the dataset: expected 'default' or one of 'vec', 'grid', 'rgb' (did you mean 'vec'?)",
    severity: 'error',
    pointer: '/model/encoders/vecc',
    range: [0, 51, 0, 57],
    covers: '"vecc"',
  },
  {
    name: 'weights miss a modality',
    text: D + '"mla": {"fusion": {"type": "fixed", "weights": {"vec": 1, "grid": 1}}}}',
    message: "expected a weight for every modality of mla.order ('vec', 'grid', 'rgb'), missing 'rgb'",
    severity: 'error',
    pointer: '/mla/fusion/weights',
    range: [0, 75, 0, 96],
    covers: '{"vec": 1, "grid": 1}',
  },
  {
    name: 'weights name unknown',
    text: D + '"mla": {"fusion": {"type": "fixed", "weights": {"vec": 1, "grid": 1, "rgb": 1, "audio": 1}}}}',
    message: "fixed weights: 'audio' is not a modality",
    severity: 'error',
    pointer: '/mla/fusion/weights/audio',
    range: [0, 107, 0, 114],
    covers: '"audio"',
  },
  {
    name: 'weights all zero',
    text: D + '"mla": {"fusion": {"type": "fixed", "weights": [0, 0, 0]}}}',
    message: 'expected a positive sum',
    severity: 'error',
    pointer: '/mla/fusion/weights',
    range: [0, 75, 0, 84],
    covers: '[0, 0, 0]',
  },
  {
    name: 'weights negative',
    text: D + '"mla": {"fusion": {"type": "fixed", "weights": {"vec": 1, "grid": -1, "rgb": 1}}}}',
    message: 'expected a number ≥ 0, found -1',
    severity: 'error',
    pointer: '/mla/fusion/weights/grid',
    range: [0, 94, 0, 96],
    covers: '-1',
  },
  {
    name: 'weights list length',
    text: D + '"mla": {"fusion": {"type": "fixed", "weights": [1, 1]}}}',
    message: 'expected 3 weights, one per modality of mla.order',
    severity: 'error',
    pointer: '/mla/fusion/weights',
    range: [0, 75, 0, 81],
    covers: '[1, 1]',
  },
  // shapes
  {
    name: 'default conv2d on a vector',
    text: D + '"model": {"encoders": {"default": {"type": "conv2d"}}}}',
    message:
      "the default encoder 'conv2d' needs a grid sample [H, W] or [H, W, C], but 'vec' has samples of shape [3]",
    severity: 'error',
    pointer: '/model/encoders/default/type',
    range: [0, 71, 0, 79],
    covers: '"conv2d"',
  },
  {
    name: 'conv1d on an image',
    text: D + '"model": {"encoders": {"rgb": {"type": "conv1d"}}}}',
    message: "encoder 'conv1d' needs a sequence sample [T, D], but 'rgb' has samples of shape [4, 4, 3]",
    severity: 'error',
    pointer: '/model/encoders/rgb/type',
    range: [0, 67, 0, 75],
    covers: '"conv1d"',
  },
  {
    name: 'transformer on a vector',
    text: D + '"model": {"encoders": {"vec": {"type": "transformer"}}}}',
    message: "'vec' has samples of shape [3]",
    severity: 'error',
    pointer: '/model/encoders/vec/type',
    range: [0, 67, 0, 80],
    covers: '"transformer"',
  },
  {
    name: 'transformer dim/heads',
    text: D + '"model": {"encoders": {"grid": {"type": "transformer", "dim": 64, "heads": 5}}}}',
    message: 'expected dim divisible by heads, found dim 64 and heads 5',
    severity: 'error',
    pointer: '/model/encoders/grid/dim',
    range: [0, 90, 0, 92],
    covers: '64',
  },
  // cross-key rules
  {
    name: 'valFraction 0 without val split',
    text: D + '"training": {"valFraction": 0}}',
    message: 'valFraction 0 leaves no validation split',
    severity: 'error',
    pointer: '/training/valFraction',
    range: [0, 56, 0, 57],
    covers: '0',
  },
  {
    name: 'joint with mla block',
    text: D + '"method": "joint", "mla": {"order": ["vec", "grid", "rgb"]}}',
    message: "the 'mla' block is ignored with method 'joint'",
    severity: 'warning',
    pointer: '/mla',
    range: [0, 47, 0, 52],
    covers: '"mla"',
  },
  {
    name: 'ogm window with start after end',
    text: D + '"method": "ogm-ge", "ogm": {"start": 5, "end": 2}}',
    message: 'ogm: expected start ≤ end, found start 5 and end 2',
    severity: 'error',
    pointer: '/ogm/start',
    range: [0, 65, 0, 66],
    covers: '5',
  },
  {
    name: 'mla with ogm block',
    text: D + '"method": "mla", "ogm": {"alpha": 1}}',
    message: "the 'ogm' block is ignored with method 'mla'",
    severity: 'warning',
    pointer: '/ogm',
    range: [0, 45, 0, 50],
    covers: '"ogm"',
  },
  {
    name: 'ogm-ge with mmpareto block',
    text: D + '"method": "ogm-ge", "mmpareto": {"gamma": 2}}',
    message: "the 'mmpareto' block is ignored with method 'ogm-ge'",
    severity: 'warning',
    pointer: '/mmpareto',
    range: [0, 48, 0, 58],
    covers: '"mmpareto"',
  },
  {
    name: 'gblending warm-up as long as the training',
    text: D + '"method": "gblending", "training": {"epochs": 3}, "gblending": {"warmupEpochs": 3}}',
    message:
      'gblending: expected warmupEpochs below training.epochs (3), found 3: the blending weights would never be used',
    severity: 'error',
    pointer: '/gblending/warmupEpochs',
    range: [0, 108, 0, 109],
    covers: '3',
  },
  {
    name: 'mla with gblending block',
    text: D + '"method": "mla", "gblending": {"holdout": 0.3}}',
    message: "the 'gblending' block is ignored with method 'mla'",
    severity: 'warning',
    pointer: '/gblending',
    range: [0, 45, 0, 56],
    covers: '"gblending"',
  },
  {
    name: 'alternation misspelt',
    text: D + '"mla": {"alternation": "randm"}}',
    message: "expected one of 'fixed', 'reversed', 'random', found \"randm\" (did you mean 'random'?)",
    severity: 'error',
    pointer: '/mla/alternation',
    range: [0, 51, 0, 58],
    covers: '"randm"',
  },
  {
    name: 'joint with reconboost block',
    text: D + '"method": "joint", "reconboost": {"lambda": 0.3}}',
    message: "the 'reconboost' block is ignored with method 'joint'",
    severity: 'warning',
    pointer: '/reconboost',
    range: [0, 47, 0, 59],
    covers: '"reconboost"',
  },
  {
    name: 'unimodal with mla block',
    text: D + '"method": "unimodal", "mla": {"hgm": {"mode": "off"}}}',
    message: "the 'mla' block is ignored with method 'unimodal'",
    severity: 'warning',
    pointer: '/mla',
    range: [0, 50, 0, 55],
    covers: '"mla"',
  },
];

function covered(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number) => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  return text.slice(
    offset(d.range.start.line, d.range.start.character),
    offset(d.range.end.line, d.range.end.character),
  );
}

let dir = '';
before(() => {
  dir = makeDataset();
});

describe('validateConfig: broken configs', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const result = await validateConfig(c.text, join(dir, 'cfg.mla.json'));
      const d = result.diagnostics.find((x) => x.message.includes(c.message));
      assert.ok(
        d,
        `no diagnostic containing ${JSON.stringify(c.message)}; got ${JSON.stringify(result.diagnostics.map((x) => x.message))}`,
      );
      assert.equal(d.severity, c.severity);
      assert.equal(d.pointer, c.pointer);
      assert.equal(covered(c.text, d), c.covers);
      const r = d.range;
      const actual = [r.start.line, r.start.character, r.end.line, r.end.character];
      assert.deepEqual(actual, c.range, `range of ${c.name}: ${JSON.stringify(actual)}`);
      if (c.severity === 'error') assert.equal(result.config, null);
    });
  }
});

describe('validateConfig: warnings that change what runs', () => {
  test('are marked for the Train prompt; a warning about a value used as written is not', async () => {
    const text =
      D +
      '"method": "joint", "mla": {"order": ["vec"]}, "seeds": [0], "seeds": [1], ' +
      '"training": {"optimizer": {"type": "sgd", "lr": 0.01}, "lrSchedule": {"type": "cosine", "minLr": 0.1}}}';
    const result = await validateConfig(text, join(dir, 'cfg.mla.json'));
    const marks = result.diagnostics.map((d) => [d.severity, d.pointer, d.changesRun === true]);
    assert.deepEqual(
      marks.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      [
        ['warning', '/mla', true],
        ['warning', '/seeds', true],
        ['warning', '/training/lrSchedule/minLr', false],
      ],
    );
    const omitted = await validateConfig(D + '"mla": {"order": ["vec", "grid"]}}', join(dir, 'cfg.mla.json'));
    assert.deepEqual(
      omitted.diagnostics.map((d) => [d.pointer, d.changesRun]),
      [['/mla/order', true]],
    );
  });
});
