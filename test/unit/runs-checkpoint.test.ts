import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import {
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  pruneCheckpoints,
  saveCheckpoint,
} from '../../src/core/runs/checkpoint';
import type { NamedTensor } from '../../src/core/runs/checkpoint';
import { Rng } from '../../src/core/util/random';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-runs-ckpt-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshRun = (): string => fs.mkdtempSync(path.join(root, `run${++n}-`));

function tensors(seed: number): NamedTensor[] {
  const rng = Rng.fromSeed(seed, 'ckpt-test');
  const make = (name: string, shape: number[]): NamedTensor => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.normal();
    return { name, shape, values };
  };
  const special = make('special', [6]);
  special.values.set([NaN, Infinity, -Infinity, -0, 1.401298464324817e-45, 3.4028234663852886e38]);
  return [
    make('enc.pix/w', [240, 16]),
    make('enc.pix/b', [16]),
    make('head/w', [16, 10]),
    make('scalar', []),
    special,
  ];
}

const meta = {
  optimizer: { step: 42, type: 'sgd' },
  hgm: { rank: 3 },
  rng: Rng.fromSeed(7).getState(),
  extra: { best: 0.97 },
};

test('a checkpoint round-trips bit-exactly, NaN and -0 included', async () => {
  const run = freshRun();
  const saved = tensors(1);
  const dir = await saveCheckpoint(run, 3, saved, meta);
  assert.equal(dir, path.join(run, 'checkpoints', 'epoch-0003'));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['state.json', 'weights.bin']);
  assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, 4 * (240 * 16 + 16 + 160 + 1 + 6));

  const loaded = await loadCheckpoint(dir);
  assert.equal(loaded.epoch, 3);
  assert.deepEqual(loaded.optimizer, meta.optimizer);
  assert.deepEqual(loaded.hgm, meta.hgm);
  assert.deepEqual(loaded.rng, meta.rng);
  assert.deepEqual(loaded.extra, meta.extra);
  assert.deepEqual(
    loaded.tensors.map((t) => [t.name, t.shape]),
    saved.map((t) => [t.name, t.shape]),
  );
  for (let i = 0; i < saved.length; i++) {
    const a = Buffer.from(saved[i].values.buffer);
    const b = Buffer.from(
      loaded.tensors[i].values.buffer,
      loaded.tensors[i].values.byteOffset,
      loaded.tensors[i].values.byteLength,
    );
    assert.ok(a.equals(b), `${saved[i].name} differs`);
  }
  // A resumed generator draws the same numbers.
  const original = Rng.fromSeed(7);
  const resumed = Rng.fromState(loaded.rng as [number, number, number, number]);
  assert.equal(resumed.nextU32(), original.nextU32());
});

test('saving the same epoch again replaces the folder whole', async () => {
  const run = freshRun();
  await saveCheckpoint(run, 2, tensors(1), meta);
  const dir = await saveCheckpoint(run, 2, tensors(2), { ...meta, extra: { best: 0.5 } });
  const loaded = await loadCheckpoint(dir);
  assert.deepEqual(loaded.extra, { best: 0.5 });
  assert.equal(loaded.tensors[0].values[0], tensors(2)[0].values[0]);
  assert.deepEqual(fs.readdirSync(path.join(run, 'checkpoints')), ['epoch-0002']);
});

test('listCheckpoints ignores a half-written temp folder; latestCheckpoint takes the highest epoch', async () => {
  const run = freshRun();
  await saveCheckpoint(run, 1, tensors(1), meta);
  await saveCheckpoint(run, 2, tensors(1), meta);
  // A kill mid-save of epoch 3 leaves only the temp folder, without state.json.
  const stray = path.join(run, 'checkpoints', 'epoch-0003.tmp-999999-1');
  fs.mkdirSync(stray);
  fs.writeFileSync(path.join(stray, 'weights.bin'), Buffer.alloc(100));
  fs.writeFileSync(path.join(run, 'checkpoints', 'notes.txt'), 'x');
  assert.deepEqual(
    listCheckpoints(run).map((c) => c.epoch),
    [1, 2],
  );
  assert.equal(latestCheckpoint(run)?.epoch, 2);
  assert.equal(latestCheckpoint(freshRun()), null);
  assert.deepEqual(listCheckpoints(path.join(root, 'no-such-run')), []);
});

test('pruneCheckpoints keeps the latest and the listed epochs and removes strays of other processes', async () => {
  const run = freshRun();
  for (const epoch of [1, 2, 3, 4, 5, 6]) await saveCheckpoint(run, epoch, tensors(epoch), meta);
  const stray = path.join(run, 'checkpoints', 'epoch-0007.tmp-999999-4');
  fs.mkdirSync(stray);
  const removed = pruneCheckpoints(run, { latest: 2, alsoKeepEpochs: [2] });
  assert.deepEqual(removed, [1, 3, 4]);
  assert.deepEqual(
    listCheckpoints(run).map((c) => c.epoch),
    [2, 5, 6],
  );
  assert.equal(fs.existsSync(stray), false);
  assert.deepEqual(pruneCheckpoints(run, { latest: 1, alsoKeepEpochs: [] }), [2, 5]);
});

test('loadCheckpoint names the file and the place of a problem', async () => {
  const run = freshRun();
  const dir = await saveCheckpoint(run, 4, tensors(1), meta);
  const weights = path.join(dir, 'weights.bin');
  const state = path.join(dir, 'state.json');

  fs.truncateSync(weights, 100);
  await assert.rejects(loadCheckpoint(dir), {
    message: `${weights}: 100 bytes, but state.json describes ${4 * (240 * 16 + 16 + 160 + 1 + 6)} bytes`,
  });
  fs.rmSync(weights);
  await assert.rejects(loadCheckpoint(dir), {
    message: `${weights}: file not found (state.json lists 5 tensors)`,
  });

  const good = JSON.parse(fs.readFileSync(state, 'utf8')) as { tensors: { length: number }[] };
  good.tensors[1].length = 60;
  fs.writeFileSync(state, JSON.stringify(good));
  await assert.rejects(loadCheckpoint(dir), {
    message: `${state}: /tensors/1/length must be 64 (4 bytes × the shape [16])`,
  });
  fs.writeFileSync(state, '{"epoch": 4, "tens');
  await assert.rejects(loadCheckpoint(dir), (e: Error) => e.message.startsWith(`${state}: invalid JSON`));
  fs.rmSync(state);
  await assert.rejects(loadCheckpoint(dir), {
    message: `${state}: file not found (not a complete checkpoint folder)`,
  });
});

test('saveCheckpoint rejects values that do not match the shape and leaves nothing behind', async () => {
  const run = freshRun();
  await assert.rejects(
    saveCheckpoint(run, 1, [{ name: 'w', shape: [2, 3], values: new Float32Array(5) }], meta),
    { message: 'saveCheckpoint: tensor "w" has shape [2, 3] (6 values) but 5 values' },
  );
  // Checked before anything is created: not even the checkpoints folder.
  assert.equal(fs.existsSync(path.join(run, 'checkpoints')), false);
});
