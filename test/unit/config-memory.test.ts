// The memory estimate of a config (src/core/config/memoryEstimate.ts) and its refusal by the validator:
// parameters with gradients and optimizer slots, the HGM projector and one batch, in bytes.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { estimateMemory, memoryProblem } from '../../src/core/config/memoryEstimate';
import { validateConfig } from '../../src/core/config/validate';
import { makeDataset } from '../fixtures/config/makeDataset';

const mlp = (hidden: number[]) => ({ type: 'mlp' as const, hidden, dropout: 0, activation: 'relu' as const });

describe('estimateMemory', () => {
  it('counts parameters, gradients, optimizer slots, the projector and a batch', () => {
    const e = estimateMemory({
      featureDim: 8,
      classes: 2,
      batchSize: 10,
      optimizerSlots: 1,
      projector: true,
      modalities: [{ sampleShape: [3], encoder: mlp([4]) }],
    });
    // Linear(3→4) 16 + Linear(4→8) 40 + head Linear(8→2) 18 = 74 values, ×4 B × (weight, gradient, slot).
    assert.equal(e.parameters, 74 * 4 * 3);
    // Two 8×8 float32 projectors: the current one and the one an update builds.
    assert.equal(e.projector, 2 * 64 * 4);
    // 10 samples × (3 inputs + 8 features forward and backward).
    assert.equal(e.batch, 10 * (3 + 16) * 4);
    assert.equal(e.total, 888 + 512 + 760);
    assert.equal(memoryProblem(e), null);
  });

  it('has no projector without HGM and refuses 50 000 features with the estimate', () => {
    const input = { featureDim: 50_000, classes: 2, batchSize: 64, optimizerSlots: 1, modalities: [] };
    assert.equal(estimateMemory({ ...input, projector: false }).projector, 0);
    const e = estimateMemory({ ...input, projector: true });
    assert.equal(e.projector, 2e10);
    assert.match(
      memoryProblem(e)!,
      /^the model needs an estimated 18\.7 GiB .*HGM projector 18\.6 GiB.*above the limit of 4\.0 GiB/,
    );
  });
});

describe('validateConfig refuses a model that cannot fit', () => {
  let dir: string;
  before(() => {
    dir = makeDataset();
  });
  const featureDimErrors = async (text: string) =>
    (await validateConfig(text, join(dir, 'cfg.mla.json'))).diagnostics.filter(
      (d) => d.pointer === '/model/featureDim',
    );

  it('accepts the default feature size', async () => {
    assert.deepEqual(await featureDimErrors('{"dataset": "dataset.json"}'), []);
  });

  for (const featureDim of ['50000', '1e9']) {
    it(`refuses featureDim ${featureDim}, naming the estimate`, async () => {
      const result = await validateConfig(
        `{"dataset": "dataset.json", "model": {"featureDim": ${featureDim}}}`,
        join(dir, 'cfg.mla.json'),
      );
      assert.equal(result.config, null);
      const [d] = result.diagnostics.filter((x) => x.pointer === '/model/featureDim');
      assert.equal(d.severity, 'error');
      assert.match(d.message, /^model\.featureDim \d+: the model needs an estimated [\d.e+]+ GiB/);
      assert.match(d.message, /above the limit of 4\.0 GiB: lower model\.featureDim/);
    });
  }

  it('accepts 25 000 features only when HGM is off and the model fits', async () => {
    const text =
      '{"dataset": "dataset.json", "model": {"featureDim": 25000}, "mla": {"hgm": {"mode": "off"}}}';
    assert.deepEqual(await featureDimErrors(text), []);
    assert.equal((await featureDimErrors(text.replace(', "mla": {"hgm": {"mode": "off"}}', ''))).length, 1);
  });
});
