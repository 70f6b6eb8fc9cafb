// What an epoch's checkpoint costs the training thread, this tree against an older build of the trainer
// (`BASE`, a folder holding another checkout with its own `dist/`, e.g. the commit before a change).
//   node --import tsx scripts/bench/checkpoint.ts BASE [repeats] [epochs]
// 1. In one process, on one handwritten network after an epoch of training (the peer's config), each
//    side's checkpoint call, interleaved: BASE's writeSnapshot (awaited whole, as its loop did), this
//    tree's capture + hand-over to the writer thread (what the loop now waits for), the thread's write
//    after it, and the same capture written on this thread instead. 10 calls per repeat.
// 2. `mla train` processes of both builds, interleaved: per epoch, the wall time between epoch records
//    (elapsed) and the train loop (seconds); their difference is evaluation + records + the checkpoint.
//    Medians of epochs 2..E per run; the table gives the median over runs and the runs' spread.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../../src/core/backend/select';
import type { ResolvedConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import type { Dataset } from '../../src/core/data/types';
import { writePackedCheckpoint } from '../../src/core/runs/checkpoint-save';
import { readJsonl } from '../../src/core/runs/jsonl';
import type { EpochRecord, MetricsRecord } from '../../src/core/runs/types';
import type { RunWriter } from '../../src/core/runs/writer';
import { trainEpoch } from '../../src/core/train/epoch-train';
import { TrainingLoop } from '../../src/core/train/loop';
import { loadRunDataset } from '../../src/core/train/runner';
import type { SessionOptions } from '../../src/core/train/session';
import { captureSnapshot, type LoopPosition } from '../../src/core/train/snapshot';
import { median, spread, table } from './stats';
import { PEER_CONFIG } from './workloads';

const REPO = path.resolve(__dirname, '..', '..');

interface Side {
  loop: TrainingLoop;
  dir: string;
  position: LoopPosition;
}

/** The parts of the run writer the loop's stages use here: a folder, and nothing logged. */
function quietWriter(dir: string): RunWriter {
  return { dir, log: () => undefined, appendMetrics: () => undefined } as unknown as RunWriter;
}

async function trainedLoop(
  open: (o: SessionOptions) => TrainingLoop,
  train: typeof trainEpoch,
  config: ResolvedConfig,
  dataset: Dataset,
  tmp: string,
  name: string,
): Promise<Side> {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const loop = open({
    config,
    dataset,
    seed: 0,
    backend: 'wasm',
    writer: quietWriter(dir),
    checkpoint: null,
    history: [],
    hooks: { shouldStop: () => false },
  });
  const trained = await train(loop, 0);
  if (trained === null) throw new Error('the epoch did not finish');
  const position = { ...loop.state.position, epochsDone: 1, trainSeconds: trained.seconds };
  return { loop, dir, position };
}

async function inProcess(base: string, config: ResolvedConfig, dataset: Dataset, repeats: number) {
  const at = (file: string) => path.join(base, 'src', 'core', 'train', file);
  const old = {
    loop: (await import(at('loop.ts'))) as { TrainingLoop: typeof TrainingLoop },
    epoch: (await import(at('epoch-train.ts'))) as { trainEpoch: typeof trainEpoch },
    snapshot: (await import(at('snapshot.ts'))) as {
      writeSnapshot(dir: string, ...rest: unknown[]): Promise<string>;
    },
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-ckpt-'));
  const before = await trainedLoop(
    (o) => old.loop.TrainingLoop.open(o),
    old.epoch.trainEpoch,
    config,
    dataset,
    tmp,
    'base',
  );
  const now = await trainedLoop((o) => TrainingLoop.open(o), trainEpoch, config, dataset, tmp, 'now');
  const capture = (s: Side) => captureSnapshot(s.loop.net, s.loop.optimizer, s.loop.trainer, s.position, 0);
  const rows: Record<'base' | 'handover' | 'thread' | 'here', number[]> = {
    base: [],
    handover: [],
    thread: [],
    here: [],
  };
  for (let r = 0; r < repeats; r++) {
    const calls: Record<keyof typeof rows, number[]> = { base: [], handover: [], thread: [], here: [] };
    for (let i = 0; i < 10; i++) {
      let t = performance.now();
      const b = before;
      await old.snapshot.writeSnapshot(b.dir, b.loop.net, b.loop.optimizer, b.loop.trainer, b.position, 0);
      calls.base.push(performance.now() - t);
      t = performance.now();
      const packed = await capture(now);
      await now.loop.checkpoints.submit({ runDir: now.dir, packed, prune: null, faultEpoch: null });
      calls.handover.push(performance.now() - t);
      t = performance.now();
      await now.loop.checkpoints.settled();
      calls.thread.push(performance.now() - t);
      t = performance.now();
      await writePackedCheckpoint(now.dir, await capture(now));
      calls.here.push(performance.now() - t);
    }
    for (const key of Object.keys(rows) as (keyof typeof rows)[]) rows[key].push(median(calls[key]));
  }
  const bytes = fs.statSync(path.join(now.dir, 'checkpoints', 'epoch-0001', 'weights.bin')).size;
  await now.loop.checkpoints.close();
  before.loop.dispose();
  now.loop.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
  return { rows, bytes };
}

function processRun(bin: string, configFile: string, epochs: number) {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-ckpt-runs-'));
  const r = spawnSync(
    process.execPath,
    [bin, 'train', configFile, '--epochs', String(epochs), '--seed', '0', '--runs-dir', runs, '--quiet'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr}`);
  const runDir = path.join(runs, fs.readdirSync(runs)[0]);
  const epochsOf = readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl')).records.filter(
    (x): x is EpochRecord => x.type === 'epoch',
  );
  fs.rmSync(runs, { recursive: true, force: true });
  const wall: number[] = [];
  const train: number[] = [];
  const outside: number[] = [];
  for (let i = 1; i < epochsOf.length; i++) {
    const between = epochsOf[i].elapsed - epochsOf[i - 1].elapsed;
    wall.push(between * 1000);
    train.push(epochsOf[i].seconds * 1000);
    outside.push((between - epochsOf[i].seconds) * 1000);
  }
  return { wall: median(wall), train: median(train), outside: median(outside) };
}

async function main(): Promise<void> {
  const [baseArg, repeatsArg, epochsArg] = process.argv.slice(2);
  if (baseArg === undefined) throw new Error('usage: checkpoint.ts BASE [repeats] [epochs]');
  const base = path.resolve(baseArg);
  const repeats = Number(repeatsArg ?? 3);
  const epochs = Number(epochsArg ?? 12);
  const raw = JSON.parse(fs.readFileSync(PEER_CONFIG, 'utf8')) as { dataset: string };
  raw.dataset = path.resolve(path.dirname(PEER_CONFIG), raw.dataset);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-ckpt-cfg-'));
  const configFile = path.join(tmp, 'handwritten.mla.json');
  fs.writeFileSync(configFile, JSON.stringify(raw, null, 2));
  const result = await validateConfig(fs.readFileSync(configFile, 'utf8'), configFile);
  if (!result.config) throw new Error(JSON.stringify(result.diagnostics));
  const config = result.config;
  await selectBackend('wasm');
  console.log(`wasm, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}`);

  const { rows, bytes } = await inProcess(base, config, await loadRunDataset(config), repeats);
  const ms = (xs: number[]) => [median(xs).toFixed(2), spread(xs, 2)];
  console.log(`\nhandwritten, one checkpoint (weights.bin ${(bytes / 2 ** 20).toFixed(2)} MiB), ms`);
  console.log(
    table(
      ['call', 'median ms', 'spread of repeats'],
      [
        ['base: writeSnapshot, awaited', ...ms(rows.base)],
        ['now: capture + hand-over (the loop waits)', ...ms(rows.handover)],
        ["now: the thread's write after it (overlaps training)", ...ms(rows.thread)],
        ['now: capture + write on this thread', ...ms(rows.here)],
      ],
    ),
  );

  const sides = { base: path.join(base, 'bin', 'mla.js'), now: path.join(REPO, 'bin', 'mla.js') };
  const runs: Record<'base' | 'now', { wall: number; train: number; outside: number }[]> = {
    base: [],
    now: [],
  };
  for (let r = 0; r < repeats; r++) {
    // Alternate which side goes first, so a slow patch of the machine falls on both.
    const order = r % 2 === 0 ? (['base', 'now'] as const) : (['now', 'base'] as const);
    for (const side of order) runs[side].push(processRun(sides[side], configFile, epochs));
  }
  console.log(
    `\n\`mla train\`, ${epochs} epochs, ${repeats} runs each, ms per epoch (median of epochs 2..${epochs})`,
  );
  const line = (side: 'base' | 'now') => [
    side,
    ...ms(runs[side].map((x) => x.wall)),
    ...ms(runs[side].map((x) => x.train)),
    ...ms(runs[side].map((x) => x.outside)),
  ];
  console.log(
    table(
      ['build', 'epoch', 'spread', 'train loop', 'spread', 'outside train loop', 'spread'],
      [line('base'), line('now')],
    ),
  );
  fs.rmSync(tmp, { recursive: true, force: true });
}

void main();
