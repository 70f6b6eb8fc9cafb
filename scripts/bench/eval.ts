// What evaluation costs per epoch, on the fast path (fast/mlp-eval.ts) and through the methods' tf ops, and the
// whole epoch (train + val/test evaluation + metrics + checkpoint) either way against the PyTorch peer's.
//   node --import tsx scripts/bench/eval.ts [CONFIG] [epochs] [repeats]
// CONFIG defaults to the peer's handwritten config; it runs as written ("mla") and with method "joint".
// Evaluation: val + test of one epoch (both splits' logits, fusion and scores), median of `repeats × 10`
// interleaved calls per path on one network. Whole epoch: `repeats` runs of `epochs` epochs per path, ours
// interleaved with the peer's; the wall time between epoch ends, median of the epochs after the first; the
// peer's is its train-loop seconds per epoch plus its evaluation seconds per epoch (it writes no checkpoint).
// Medians, and the fastest call or run, which other jobs on a shared machine disturb least.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../../src/core/backend/select';
import type { Method, ResolvedConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';
import type { Dataset } from '../../src/core/data/types';
import { trainingMethod } from '../../src/core/methods';
import type { EvalHead, TrainingMethod } from '../../src/core/methods/types';
import { RowGatherer } from '../../src/core/train/batches';
import { predictSplits, scoreSplit } from '../../src/core/train/evaluate';
import { Network } from '../../src/core/train/network';
import { prepareData } from '../../src/core/train/prepare';
import { loadRunDataset, startRun } from '../../src/core/train/runner';
import { peer, peerUnavailable } from './processes';
import { median, spread, table } from './stats';
import { PEER_CONFIG } from './workloads';

type Raw = Record<string, unknown> & { dataset: string; training: Record<string, unknown> };

async function configFor(file: string, method: Method, epochs: number, dir: string): Promise<string> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Raw;
  raw.dataset = path.resolve(path.dirname(file), raw.dataset);
  raw.method = method;
  raw.name = `${String(raw.name)}-${method}`;
  raw.training.epochs = epochs;
  const out = path.join(dir, `${method}.mla.json`);
  fs.writeFileSync(out, JSON.stringify(raw, null, 2));
  return out;
}

async function load(file: string): Promise<ResolvedConfig> {
  const result = await validateConfig(fs.readFileSync(file, 'utf8'), file);
  if (!result.config) throw new Error(`${file}: ${JSON.stringify(result.diagnostics)}`);
  return result.config;
}

/** Evaluation ms of val + test, tf path and fast path, interleaved on one network. */
async function evaluationMs(config: ResolvedConfig, dataset: Dataset, calls: number) {
  const data = prepareData(dataset, config, 0);
  const net = Network.build(config, data.modalities, data.classes.length, 0);
  const gatherers = data.modalities.map((m) => new RowGatherer(m));
  const once = async (fastPath: boolean): Promise<number> => {
    const t = performance.now();
    const outs = await predictSplits(net, data, gatherers, [data.val, data.test], config.mla.fusion, {
      fastPath,
    });
    for (const out of outs) scoreSplit(out, net.order);
    return performance.now() - t;
  };
  for (let i = 0; i < 3; i++) {
    await once(false);
    await once(true);
  }
  const tf: number[] = [];
  const fast: number[] = [];
  for (let i = 0; i < calls; i++) {
    tf.push(await once(false));
    fast.push(await once(true));
  }
  net.dispose();
  return { tf, fast, rows: data.val.length + data.test.length };
}

/** Seconds per epoch of one run: wall between epoch ends and train loop, medians of the epochs after the first. */
async function wholeEpoch(config: ResolvedConfig, configFile: string, dataset: Dataset) {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-eval-'));
  const wall: number[] = [];
  const train: number[] = [];
  let last = 0;
  const outcome = await startRun({
    config,
    configFile,
    seed: 0,
    runsDir: runs,
    backend: await selectBackend('wasm'),
    dataset,
    hooks: {
      shouldStop: () => false,
      onBatch: (p) => {
        if (p.epoch === 1 && p.batch === 1 && last === 0) last = performance.now();
      },
      onEpoch: (r) => {
        const now = performance.now();
        wall.push((now - last) / 1000);
        train.push(r.seconds);
        last = now;
      },
    },
  });
  fs.rmSync(runs, { recursive: true, force: true });
  if (outcome.state !== 'completed') throw new Error(`training failed: ${outcome.error}`);
  return { wall: median(wall.slice(1)), train: median(train.slice(1)) };
}

/** Benchmark only: the method's `evalHead` hidden, so that its runs evaluate through tf ops. */
async function withTfEvaluation<T>(method: TrainingMethod, run: () => Promise<T>): Promise<T> {
  const target = method as { evalHead?: EvalHead };
  const head = target.evalHead;
  target.evalHead = undefined;
  try {
    return await run();
  } finally {
    target.evalHead = head;
  }
}

function peerEpoch(configFile: string, epochs: number, dir: string): { wall: number; train: number } {
  const out = path.join(dir, 'peer.json');
  const run = peer(configFile, epochs, out);
  const { evalSeconds } = JSON.parse(fs.readFileSync(out, 'utf8')) as { evalSeconds: number };
  const train = median(run.seconds.slice(1));
  return { wall: train + evalSeconds / epochs, train };
}

async function main(): Promise<void> {
  const [fileArg, epochsArg, repeatsArg] = process.argv.slice(2);
  const file = path.resolve(fileArg ?? PEER_CONFIG);
  const epochs = Number(epochsArg ?? 5);
  const repeats = Number(repeatsArg ?? 3);
  await selectBackend('wasm');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-eval-cfg-'));
  const peerMissing = peerUnavailable();
  console.log(`wasm, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}`);
  for (const method of ['mla', 'joint'] as Method[]) {
    const configFile = await configFor(file, method, epochs, dir);
    const config = await load(configFile);
    const dataset = await loadRunDataset(config);
    const ev = await evaluationMs(config, dataset, repeats * 10);
    console.log(`\n${method}: evaluation of val + test (${ev.rows} rows), ms per epoch`);
    console.log(
      table(
        ['path', 'median ms', 'fastest ms', 'spread'],
        [
          ['tf ops', median(ev.tf).toFixed(2), Math.min(...ev.tf).toFixed(2), spread(ev.tf, 2)],
          ['fast path', median(ev.fast).toFixed(2), Math.min(...ev.fast).toFixed(2), spread(ev.fast, 2)],
        ],
      ),
    );
    const rows: Record<'tf' | 'fast' | 'peer', { wall: number; train: number }[]> = {
      tf: [],
      fast: [],
      peer: [],
    };
    for (let r = 0; r < repeats; r++) {
      rows.tf.push(
        await withTfEvaluation(trainingMethod(method), () => wholeEpoch(config, configFile, dataset)),
      );
      rows.fast.push(await wholeEpoch(config, configFile, dataset));
      if (!peerMissing) rows.peer.push(peerEpoch(configFile, epochs, dir));
    }
    const peerWall = rows.peer.length ? median(rows.peer.map((p) => p.wall)) : NaN;
    const line = (name: string, xs: { wall: number; train: number }[]) => {
      const w = median(xs.map((x) => x.wall));
      const fastest = Math.min(...xs.map((x) => x.wall));
      return [
        name,
        w.toFixed(3),
        fastest.toFixed(3),
        spread(
          xs.map((x) => x.wall),
          3,
        ),
        median(xs.map((x) => x.train)).toFixed(3),
        Number.isNaN(peerWall) ? '' : `${(w / peerWall).toFixed(2)}×`,
      ];
    };
    console.log(`\n${method}: whole epoch (train + evaluation + metrics + checkpoint), s per epoch`);
    console.log(
      table(
        ['evaluation', 'epoch s', 'fastest', 'spread', 'train loop s', 'ours/peer'],
        [
          line('tf ops', rows.tf),
          line('fast path', rows.fast),
          ...(rows.peer.length ? [line('PyTorch peer (1 thread)', rows.peer)] : []),
        ],
      ),
    );
    if (peerMissing) console.log(`peer: ${peerMissing}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
