// metrics.jsonl followed by offset (src/core/runs/metrics-follower.ts) gives what the whole-file read gives:
// the last record per epoch in epoch order, corrupt lines by number, an unfinished last line left for later,
// and a fresh start when the file is replaced.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MetricsFollower } from '../../src/core/runs/metrics-follower';
import { tempDir } from '../support/training';
import { epochRecord } from './runs-fixtures';

const line = (epoch: number, acc: number) => JSON.stringify(epochRecord(epoch, acc)) + '\n';

describe('MetricsFollower', () => {
  it('keeps the last record per epoch, counts corrupt lines and waits for an unfinished one', () => {
    const file = path.join(tempDir('follower'), 'metrics.jsonl');
    fs.writeFileSync(file, line(1, 0.5) + line(2, 0.6) + 'not json\n' + line(3, 0.7).slice(0, 10));
    const follower = new MetricsFollower(file);
    const first = follower.read();
    assert.deepEqual(
      first.epochs.map((e) => e.epoch),
      [1, 2],
    );
    assert.deepEqual(first.metrics, { corrupt: 1, corruptLines: [3], partialTail: true });

    // The unfinished line completes; a resume then redoes epoch 2.
    fs.appendFileSync(file, line(3, 0.7).slice(10) + line(2, 0.65) + line(3, 0.75));
    const second = follower.read();
    assert.deepEqual(
      second.epochs.map((e) => [e.epoch, e.val.fused]),
      [
        [1, 0.5],
        [2, 0.65],
        [3, 0.75],
      ],
    );
    assert.deepEqual(second.metrics, { corrupt: 1, corruptLines: [3], partialTail: false });

    // Replaced by a shorter file: read again from its first byte.
    fs.writeFileSync(file, line(1, 0.9));
    const third = follower.read();
    assert.deepEqual(
      third.epochs.map((e) => [e.epoch, e.val.fused]),
      [[1, 0.9]],
    );
    assert.deepEqual(third.metrics, { corrupt: 0, corruptLines: [], partialTail: false });
  });
});
