// The checkpoint writer thread (train/checkpoint-writer.ts): the files it writes are the bytes of the
// synchronous saveCheckpoint for the same state; the packed copy is taken when the checkpoint is captured;
// a new checkpoint waits for the one in flight; a failed write is thrown by the next call, naming the file,
// and fails the run instead of being lost (and a run whose last write failed never reads "completed").

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { ResolvedConfig } from '../../src/core/config/types';
import {
  checkpointDirName,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  STATE_FILE,
  WEIGHTS_FILE,
  type CheckpointMeta,
  type NamedTensor,
} from '../../src/core/runs/checkpoint';
import { packCheckpoint } from '../../src/core/runs/checkpoint-save';
import type { RunStatus } from '../../src/core/runs/types';
import { CheckpointWriter } from '../../src/core/train/checkpoint-writer';
import { epochRecords, exampleWorkspace, loadConfig, tempDir, train } from '../support/training';

/** Tensors with values no two alike, NaN and -0 included (the format keeps every bit). */
function tensors(seed: number): NamedTensor[] {
  const shapes: [string, number[]][] = [
    ['enc.kernel', [7, 5]],
    ['enc.bias', [5]],
    ['optimizer/enc.kernel/momentum', [7, 5]],
    ['hgm/projector', [3, 3]],
  ];
  return shapes.map(([name, shape], t) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(seed * 1000 + t * 100 + i) * 10 ** (i % 7);
    if (t === 0) values.set([NaN, -0, Infinity], 0);
    return { name, shape, values };
  });
}

const meta = (epoch: number): CheckpointMeta => ({
  optimizer: { type: 'sgd', steps: { 'enc.kernel': epoch * 3 }, slots: { 'enc.kernel': ['momentum'] } },
  hgm: { dim: 3, firstStepDone: true },
  rng: { scheme: 'derived from seed, epoch and batch', seed: 1, epoch, batch: 0 },
  extra: { epochsDone: epoch, nextBatch: 0, partial: null, note: 'ünïcode ✓' },
});

const job = (runDir: string, epoch: number, prune: number[] | null = null) => ({
  runDir,
  packed: packCheckpoint(epoch, tensors(epoch), meta(epoch)),
  prune: prune === null ? null : { latest: 1, alsoKeepEpochs: prune },
  faultEpoch: null,
});

const read = (runDir: string, epoch: number, file: string): Buffer =>
  fs.readFileSync(path.join(runDir, 'checkpoints', checkpointDirName(epoch), file));

describe('the checkpoint writer thread', () => {
  it('writes the same bytes as saveCheckpoint for the same state', async () => {
    const sync = tempDir('ckw-sync');
    const background = tempDir('ckw-background');
    await saveCheckpoint(sync, 4, tensors(4), meta(4));
    const writer = new CheckpointWriter();
    try {
      await writer.submit(job(background, 4));
      await writer.settled();
    } finally {
      await writer.close();
    }
    for (const file of [WEIGHTS_FILE, STATE_FILE])
      assert.ok(read(background, 4, file).equals(read(sync, 4, file)));
    assert.equal(read(sync, 4, WEIGHTS_FILE).length, 4 * (35 + 5 + 35 + 9));
    // The bytes the trainer wrote before checkpoints moved to the thread (one write per tensor then).
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    assert.equal(
      sha256(read(background, 4, WEIGHTS_FILE)),
      'f3d3d057fffc154c8f3954d54b18d7055218631c16d501df8c4bcd4a17f319ed',
    );
    assert.equal(
      sha256(read(background, 4, STATE_FILE)),
      '77445ebccdd8ff32ca573054ece069701814ac604494ae292df6dac532cd1da6',
    );
    const loaded = await loadCheckpoint(path.join(background, 'checkpoints', checkpointDirName(4)));
    assert.deepEqual(
      loaded.tensors.map((t) => Array.from(t.values)),
      tensors(4).map((t) => Array.from(t.values)),
    );
  });

  it('packs a copy: values changed after the capture are not what is written', async () => {
    const runDir = tempDir('ckw-copy');
    const live = tensors(1);
    const packed = packCheckpoint(1, live, meta(1));
    live[0].values.fill(7);
    const writer = new CheckpointWriter();
    try {
      await writer.submit({ runDir, packed, prune: null, faultEpoch: null });
      await writer.settled();
    } finally {
      await writer.close();
    }
    const loaded = await loadCheckpoint(path.join(runDir, 'checkpoints', checkpointDirName(1)));
    assert.deepEqual(Array.from(loaded.tensors[0].values), Array.from(tensors(1)[0].values));
  });

  it('starts a checkpoint only once the one before is in place, in order, pruning after each', async () => {
    const runDir = tempDir('ckw-order');
    const writer = new CheckpointWriter();
    try {
      await writer.submit(job(runDir, 1, []));
      for (const epoch of [2, 3, 4]) {
        await writer.submit(job(runDir, epoch, [2]));
        // The submit returned: the previous checkpoint is whole on disk already.
        const previous = await loadCheckpoint(path.join(runDir, 'checkpoints', checkpointDirName(epoch - 1)));
        assert.equal(previous.epoch, epoch - 1);
      }
      await writer.settled();
    } finally {
      await writer.close();
    }
    // Latest (4) and the kept epoch (2); no temp folder left.
    assert.deepEqual(
      listCheckpoints(runDir).map((r) => r.epoch),
      [2, 4],
    );
    assert.deepEqual(fs.readdirSync(path.join(runDir, 'checkpoints')).sort(), ['epoch-0002', 'epoch-0004']);
  });

  it('throws a failed write from the next call, naming the file, and leaves the older checkpoint intact', async () => {
    const runDir = tempDir('ckw-fail');
    const writer = new CheckpointWriter();
    try {
      await writer.submit(job(runDir, 1));
      await writer.settled();
      // A file where epoch 2's temp folder's parent must be a folder: the write of epoch 2 fails.
      const root = path.join(runDir, 'checkpoints');
      fs.renameSync(root, `${root}-kept`);
      fs.writeFileSync(root, 'not a folder');
      await writer.submit(job(runDir, 2));
      await assert.rejects(writer.submit(job(runDir, 3)), (error: Error) => {
        assert.equal(error.name, 'WriteError');
        assert.match(error.message, new RegExp(`^cannot write ${root}\\S*: .+ \\((ENOTDIR|EEXIST)\\)$`));
        return true;
      });
      // Reported once: the writer goes on with the next checkpoint.
      fs.rmSync(root);
      fs.renameSync(`${root}-kept`, root);
      await writer.submit(job(runDir, 3));
      await writer.settled();
    } finally {
      await writer.close();
    }
    assert.deepEqual(
      listCheckpoints(runDir).map((r) => r.epoch),
      [1, 3],
    );
  });
});

describe('a run whose checkpoint write fails', () => {
  let mla: ResolvedConfig;
  before(async () => {
    mla = await loadConfig((await exampleWorkspace()).mla);
  });

  /** Trains `epochs` with `checkpoints` made a file during epoch 1, before its checkpoint is written. */
  async function blocked(epochs: number) {
    const runs = tempDir('ckw-run');
    const outcome = await train({ ...mla, training: { ...mla.training, epochs } }, 0, runs, {
      shouldStop: () => false,
      onBatch: (p) => {
        if (p.epoch !== 1 || p.batch !== 1) return;
        const root = path.join(runs, fs.readdirSync(runs)[0], 'checkpoints');
        fs.rmdirSync(root);
        fs.writeFileSync(root, 'not a folder');
      },
    });
    const status = JSON.parse(fs.readFileSync(path.join(outcome.runDir, 'status.json'), 'utf8')) as RunStatus;
    return { outcome, status };
  }

  it('fails at the next epoch with the message naming the file', async () => {
    const { outcome, status } = await blocked(3);
    assert.equal(outcome.state, 'failed');
    const where = path.join(outcome.runDir, 'checkpoints');
    assert.match(outcome.error ?? '', new RegExp(`^cannot write ${where}\\S*: .+ \\((ENOTDIR|EEXIST)\\)$`));
    assert.equal(status.state, 'failed');
    assert.equal(status.error, outcome.error);
    // Epoch 1 was recorded before its checkpoint was handed over; nothing of epoch 2 was.
    assert.deepEqual(
      epochRecords(outcome.runDir).map((r) => r.epoch),
      [1],
    );
  });

  it('fails instead of "completed" when the last epoch\'s checkpoint is not written', async () => {
    const { outcome, status } = await blocked(1);
    assert.equal(outcome.state, 'failed');
    assert.match(outcome.error ?? '', /^cannot write \S+\/checkpoints\S*: /);
    assert.equal(status.state, 'failed');
    assert.equal(fs.existsSync(path.join(outcome.runDir, 'summary.json')), false);
  });
});
