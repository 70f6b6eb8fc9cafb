// The one-protocol check across methods with options of their own and across config.json generations: a
// run folder from before the split missing rates holds one number and no fill, and is the same protocol as a
// newer one with equal rates and the default fill.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProtocol } from '../../src/core/compare/protocol';
import type { RunInfo } from '../../src/core/runs/reader';
import type { RunConfigRecord } from '../../src/core/runs/run-config';
import { runConfig } from './runs-fixtures';

function run(dir: string, edit: (c: RunConfigRecord) => void): RunInfo {
  const resolved = runConfig('toy', 0, 'g');
  edit(resolved);
  return { dir, resolved } as unknown as RunInfo;
}

describe('protocol check', () => {
  it('lets the reconboost and mmpareto options differ between rows', () => {
    const a = run('/runs/a', (c) => {
      c.method = 'reconboost';
      c.reconboost = { stageEpochs: 3, rectifyEpochs: 0, lambda: 0.9 };
    });
    const b = run('/runs/b', (c) => {
      c.method = 'mmpareto';
      c.mmpareto = { gamma: 2 };
    });
    assert.doesNotThrow(() => checkProtocol([a, b]));
  });

  it('reads an old single missing rate as both rates with the skip fill', () => {
    const old = run('/runs/old', (c) => {
      (c.preprocess as unknown as Record<string, unknown>) = { scale: 'standardize', missingRate: 0.2 };
    });
    const same = run('/runs/new', (c) => {
      c.preprocess = { scale: 'standardize', missingRate: { train: 0.2, test: 0.2 }, missingFill: 'skip' };
    });
    assert.doesNotThrow(() => checkProtocol([old, same]));
    const other = run('/runs/other', (c) => {
      c.preprocess = { scale: 'standardize', missingRate: { train: 0.2, test: 0 }, missingFill: 'skip' };
    });
    assert.throws(() => checkProtocol([old, other]), {
      message:
        'these runs do not share one protocol (only the method and its options may differ):\n' +
        '  /runs/other differs from /runs/old in preprocess/missingRate/test: 0.2 vs 0',
    });
  });
});
