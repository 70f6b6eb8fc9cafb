// What a screen reader says for a run explorer row (runAccessibleLabel in src/extension/runView.ts): config,
// seed, state and fused test accuracy, over real run folders.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readRun } from '../../src/core/runs/reader';
import type { RunWriter } from '../../src/core/runs/writer';
import { runAccessibleLabel, seedGroupAccessibleLabel } from '../../src/extension/runView';
import { tempDir } from '../support/training';
import { writeRun } from './explorer-fixtures';

let runsDir: string;
const writers: RunWriter[] = [];

beforeEach(() => {
  runsDir = tempDir('explorer-labels');
});

afterEach(() => {
  for (const w of writers.splice(0)) w.close();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

async function labelOf(spec: Parameters<typeof writeRun>[1], slurm: 'queued' | 'running' | null = null) {
  const writer = writeRun(runsDir, spec);
  writers.push(writer);
  return runAccessibleLabel(await readRun(writer.dir), slurm);
}

describe('a run row’s accessible label', () => {
  it('names config, seed, state and fused test accuracy', async () => {
    const spec = { config: 'example-mla', seed: 1, group: 'g1', state: 'completed' } as const;
    assert.equal(
      await labelOf({ ...spec, fused: [0.9, 0.974] }),
      'example-mla seed 1, completed, fused 97.4%',
    );
  });

  it('says the epoch of a running run, and that a run without epochs has no accuracy yet', async () => {
    const spec = { config: 'example-joint', group: 'g1', state: 'running' } as const;
    assert.equal(
      await labelOf({ ...spec, seed: 2, fused: [0.5, 0.61, 0.633] }),
      'example-joint seed 2, running at epoch 3/10, fused 63.3%',
    );
    assert.equal(
      await labelOf({ ...spec, seed: 3, fused: [] }),
      'example-joint seed 3, running at epoch 0/10, no accuracy yet',
    );
  });

  it('says where a stopped run stopped, and what Slurm says of a task its folder has not caught up with', async () => {
    const spec = { config: 'example-mla', group: 'g2', fused: [0.42, 0.48] } as const;
    assert.equal(
      await labelOf({ ...spec, seed: 4, state: 'stopped' }),
      'example-mla seed 4, stopped at epoch 2/10, fused 48.0%',
    );
    assert.equal(
      await labelOf({ ...spec, seed: 5, state: 'stopped' }, 'queued'),
      'example-mla seed 5, queued in Slurm, fused 48.0%',
    );
  });
});

describe('a seed group row’s accessible label', () => {
  it('names config, launch and seed count, and the mean ± std once two seeds have an accuracy', async () => {
    const spec = { config: 'example-mla', group: 'g1', state: 'completed' } as const;
    const write = (seed: number, fused: number[]) => {
      const writer = writeRun(runsDir, { ...spec, seed, fused });
      writers.push(writer);
      return readRun(writer.dir);
    };
    const [s0, s1, s2] = await Promise.all([write(0, [0.97]), write(1, [0.98]), write(2, [])]);
    assert.equal(
      seedGroupAccessibleLabel('example-mla', '1/1/2026', [s0, s2], 2),
      'example-mla, launched 1/1/2026, 2 seeds',
    );
    // Mean 97.5 %, sample std 0.71 points.
    assert.equal(
      seedGroupAccessibleLabel('example-mla', 'lr=0.01', [s0, s1, s2], 3, true),
      'example-mla, launched lr=0.01, 3 seeds, fused 97.5 ± 0.7%, best of the sweep',
    );
  });
});
