// `npm run bench`: training speed on every backend that loads, side by side with the PyTorch peer, in one run.
// Figures, not a pass/fail test: these machines are shared and noisy, so every comparison is made within one
// run, ours and the peer's repeats interleaved, and medians are printed with the spread of the repeats.
//   BENCH_QUICK=1 npm run bench     one repeat, fewer epochs, no plain-cpu runs, a shorter memory run
//   BENCH_REPEATS=5 npm run bench   more repeats
//   npm run bench -- --only e,f     only these parts: workloads a-f, and epoch (the whole epoch of the
//                                   named workloads among a-d, or all four, from the command line against the peer:
//                                   scripts/bench/whole-epoch.ts), step (per-step time of the six-MLP
//                                   config per backend), profile (where a wasm epoch goes), seeds, memory,
//                                   sweep (a local 16-trial sweep against the ideal), explorer (1,000 runs)
//                                   table (the run table at 1,000 runs: scripts/bench/run-table.ts)
//                                   store (the run store polling 10 growing 100,000-epoch runs)
// Workloads (scripts/bench/workloads.ts): (a) MLA on handwritten with the peer's config, (b) the same with
// method "joint", (c) conv2d on a [32,32] grid + MLP, (d) transformer on a [16,32] sequence + MLP, (e) ResNet-18
// on a [64,64,3] grid + MLP, (f) the transformer at dim 256, 4 layers. Every backend that loads runs them,
// webgpu included (named by its adapter; a software adapter only with MLA_WEBGPU_ALLOW_SOFTWARE=1); then
// the dashboard's series work at growing run lengths (scripts/bench/dashboard-series.ts).
import { availableCores } from '../src/core/backend/threads';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../src/core/backend/select';
import type { BackendName } from '../src/core/config/types';
import { dashboardSeries } from './bench/dashboard-series';
import { explorerRefresh } from './bench/explorer';
import { localSweep } from './bench/sweep';
import { runTableBench } from './bench/run-table';
import { runStoreLoad } from './bench/run-store-load';
import { cli, peer, peerUnavailable, worker, type Timed } from './bench/processes';
import { wholeEpochs } from './bench/whole-epoch';
import { median, spread, table } from './bench/stats';
import {
  exampleConfig,
  isStructured,
  prepareWorkloads,
  WORKLOAD_KEYS,
  type Workload,
  type WorkloadKey,
} from './bench/workloads';
import type { MatmulResult, StepResult, TrainResult } from './bench/worker';

const QUICK = process.env.BENCH_QUICK === '1';
/** The workloads whose whole epoch is timed from the command line (the peer runs them all). */
const WHOLE_EPOCH_KEYS: WorkloadKey[] = ['a', 'b', 'c', 'd'];
const SECTIONS = [
  'epoch',
  'step',
  'profile',
  'seeds',
  'memory',
  'sweep',
  'explorer',
  'table',
  'store',
] as const;
type Part = WorkloadKey | (typeof SECTIONS)[number];
const ONLY = parseOnly();

/** `--only e,f` (after `npm run bench --`): the parts to run; all of them by default. */
function parseOnly(): Part[] {
  const all: Part[] = [...WORKLOAD_KEYS, ...SECTIONS];
  const i = process.argv.indexOf('--only');
  if (i < 0) return all;
  const parts = (process.argv[i + 1] ?? '').split(',').filter((p) => p !== '');
  const bad = parts.filter((p) => !all.includes(p as Part));
  if (parts.length === 0 || bad.length > 0) {
    throw new Error(
      `--only: expected a comma-separated list of ${all.join(', ')}; found "${process.argv[i + 1] ?? ''}"`,
    );
  }
  return parts as Part[];
}
const REPEATS = Number(process.env.BENCH_REPEATS ?? (QUICK ? 1 : 3));
/** Epochs per timed run; the first is warm-up and left out of every per-epoch figure. */
const EPOCHS = { mlp: QUICK ? 3 : 5, structured: QUICK ? 2 : 3, cpu: 2 };
/** The thread count of the wasm row run beside the 1-thread one (BENCH_THREADS=1 leaves it out). */
const THREADS = Number(process.env.BENCH_THREADS ?? availableCores());
const MEMORY_EPOCHS = QUICK ? 40 : 200;
/** Epochs per seed of the parallel-seeds run: enough that start-up (≈ 0.5 s) is not most of it. */
const SEED_EPOCHS = QUICK ? 5 : 20;

/** Steady-state seconds per epoch of one run: the median over epochs after the first. */
function steady(xs: number[]): number {
  return median(xs.length > 1 ? xs.slice(1) : xs);
}

interface Series {
  name: string;
  backend: BackendName;
  seconds: number[];
  samplesPerSecond: number[];
  flopsPerEpoch: number;
}

async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const name of ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as BackendName[]) {
    try {
      await selectBackend(name);
      out.push(name);
    } catch (error) {
      console.log(`${name}: not available (${(error as Error).message.split('\n')[0].slice(0, 160)})`);
    }
  }
  return out;
}

/** One benchmark training run of `configFile`, its steady s/epoch added to its row of `series`; returns it. */
async function trainSeries(
  series: Map<string, Series>,
  backend: BackendName,
  configFile: string,
  epochs: number,
  threads: number,
  adapter?: string,
): Promise<number> {
  const run = await worker<TrainResult>([
    'train',
    '--config',
    configFile,
    '--backend',
    backend,
    '--epochs',
    String(epochs),
    '--threads',
    String(threads),
  ]);
  const key = threads > 1 ? `${backend}-${threads}` : backend;
  const name =
    threads > 1
      ? `MLA Studio (${backend}, ${threads} threads)`
      : `MLA Studio (${backend}${adapter ? ` · ${adapter}` : ''})`;
  const s = series.get(key) ?? {
    name,
    backend,
    seconds: [],
    samplesPerSecond: [],
    flopsPerEpoch: run.result.flopsPerEpoch,
  };
  const sec = steady(run.result.epochs.map((e) => e.seconds));
  s.seconds.push(sec);
  s.samplesPerSecond.push(steady(run.result.epochs.map((e) => e.samplesPerSecond)));
  series.set(key, s);
  return sec;
}

async function benchWorkload(
  w: Workload,
  backends: BackendName[],
  matmul: Map<string, MatmulResult>,
  peerReason: string | null,
  work: string,
): Promise<void> {
  console.log(`\n${w.title}`);
  const structured = isStructured(w.key);
  const series = new Map<string, Series>();
  const peerSeries: Series = {
    name: 'PyTorch peer (1 thread)',
    backend: 'cpu',
    seconds: [],
    samplesPerSecond: [],
    flopsPerEpoch: 0,
  };
  const ratios: number[] = [];
  const skipped: string[] = [];
  const threadRatios: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    let wasmSeconds: number | null = null;
    for (const backend of backends) {
      if (backend === 'cpu' && (QUICK || structured || r > 0)) {
        if (r === 0)
          skipped.push(
            `cpu: ${QUICK ? 'skipped in BENCH_QUICK' : structured ? 'skipped (20-300× slower than wasm on conv/attention)' : ''}`,
          );
        continue;
      }
      const epochs = backend === 'cpu' ? EPOCHS.cpu : structured ? EPOCHS.structured : EPOCHS.mlp;
      const sec = await trainSeries(
        series,
        backend,
        w.configFile,
        epochs,
        1,
        matmul.get(backend)?.adapter ?? undefined,
      );
      if (backend === 'wasm') wasmSeconds = sec;
    }
    if (backends.includes('wasm') && THREADS > 1 && wasmSeconds !== null) {
      // The same run on every core, right after the 1-thread one: the ratio of the pair is the figure.
      const epochs = structured ? EPOCHS.structured : EPOCHS.mlp;
      const sec = await trainSeries(series, 'wasm', w.configFile, epochs, THREADS);
      threadRatios.push(sec / wasmSeconds);
    }
    if (w.peer && peerReason === null) {
      const epochs = structured ? EPOCHS.structured : EPOCHS.mlp;
      const p = peer(w.configFile, epochs, path.join(work, `peer-${w.key}-${r}.json`));
      const sec = steady(p.seconds);
      peerSeries.seconds.push(sec);
      peerSeries.samplesPerSecond.push(p.nTrain / sec);
      if (wasmSeconds !== null) ratios.push(wasmSeconds / sec);
    }
  }
  const peerSec = peerSeries.seconds.length > 0 ? median(peerSeries.seconds) : null;
  // MLP workloads are compared with the peer; the structured ones with the peer and with the backend's matmul.
  const withFlops = structured;
  const rows = [...series.entries()].map(([backend, s]) => {
    const sec = median(s.seconds);
    const cells = [s.name, sec.toFixed(3), spread(s.seconds), median(s.samplesPerSecond).toFixed(0)];
    if (w.peer) {
      const ratio = backend === 'wasm' && ratios.length > 0 ? median(ratios) : peerSec ? sec / peerSec : NaN;
      cells.push(Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–');
    }
    if (withFlops) {
      const gflops = s.flopsPerEpoch / sec / 1e9;
      // Threaded rows against the same 1-thread matmul: the share shows what the threads add.
      const mm = matmul.get(s.backend);
      cells.push(gflops.toFixed(1), mm ? `${((100 * gflops) / mm.gflopsReused).toFixed(0)}%` : '–');
    }
    return cells;
  });
  if (w.peer && peerSec !== null) {
    rows.push([
      peerSeries.name,
      peerSec.toFixed(3),
      spread(peerSeries.seconds),
      median(peerSeries.samplesPerSecond).toFixed(0),
      '1.00×',
      ...(withFlops ? ['', ''] : []),
    ]);
  }
  const header = [
    'trainer',
    's/epoch',
    'spread',
    'samples/s',
    ...(w.peer ? ['ours/peer'] : []),
    ...(withFlops ? ['GFLOP/s', 'of matmul'] : []),
  ];
  console.log(table(header, rows));
  if (w.peer && peerReason !== null) console.log(`PyTorch peer: not run (${peerReason})`);
  if (w.peer && ratios.length > 0) {
    console.log(`wasm / peer per repeat (side by side): ${ratios.map((x) => x.toFixed(2)).join(', ')}`);
  }
  if (withFlops)
    console.log(
      `analytic FLOPs per epoch (forward + backward of every step): ${(series.values().next().value?.flopsPerEpoch ?? 0) / 1e9} G`,
    );
  if (threadRatios.length > 0) {
    console.log(
      `wasm ${THREADS} threads / 1 thread per repeat (side by side): ${threadRatios.map((x) => x.toFixed(2)).join(', ')}`,
    );
  }
  for (const s of skipped) console.log(s);
}

async function overhead(workloads: Workload[]): Promise<void> {
  // Method: one extra wasm run per workload with every kernel re-registered behind a timer and the engine's
  // runKernelFunc timed around it (scripts/bench/kernel-timer.ts), and the trainer's batching, on-device totals
  // and metrics writes timed by wrapping their methods. Per epoch after the first: the wall time from one epoch
  // end to the next (train loop, evaluation, checkpoint, records) splits into kernels, engine dispatch, and the
  // rest (TF.js autodiff bookkeeping, HGM's JS update, evaluation's fusion and scores, checkpoint writing). The
  // timers add about 1 µs per kernel call.
  console.log('\nWhere an epoch goes (wasm, one profiled run per workload; ms per epoch after the first)');
  const rows: string[][] = [];
  for (const w of workloads) {
    const epochs = isStructured(w.key) ? EPOCHS.structured + 1 : EPOCHS.mlp;
    const run = await worker<TrainResult>([
      'train',
      '--config',
      w.configFile,
      '--backend',
      'wasm',
      '--epochs',
      String(epochs),
      '--profile',
    ]);
    const p = run.result.profile!;
    const pct = (x: number) => `${((100 * x) / p.wallMs).toFixed(1)}%`;
    const rest = p.wallMs - p.kernelMs - p.dispatchMs;
    const trainer = p.batchingMs + p.totalsMs + p.metricsMs;
    rows.push([
      `(${w.key})`,
      p.wallMs.toFixed(0),
      pct(p.kernelMs),
      pct(p.dispatchMs),
      pct(rest),
      `${trainer.toFixed(1)} (${pct(trainer)})`,
      `${p.metricsMaxMs.toFixed(2)}`,
      p.top
        .slice(0, 3)
        .map((t) => `${t.name} ${t.ms.toFixed(0)}`)
        .join(', '),
    ]);
  }
  console.log(
    table(
      ['', 'wall ms', 'kernels', 'dispatch', 'outside', 'trainer ms', 'max write ms', 'top kernels (ms)'],
      rows,
    ),
  );
  console.log(
    '"outside" = not in a kernel nor its dispatch: autodiff bookkeeping, the fast-path steps\' loops, HGM, evaluation JS, checkpoint; ' +
      '"trainer" = batch gathering + loss/accuracy totals + metrics writes, timed directly.',
  );
}

/** What `auto` weighs: ms per training step of the six-MLP config on each backend, as it times them. */
async function stepTimes(configFile: string, backends: BackendName[]): Promise<void> {
  console.log('\nPer-step time, (a) six-MLP handwritten config, as `auto` times it (warm-up steps left out)');
  const rows: string[][] = [];
  for (const backend of backends) {
    const run = await worker<StepResult>([
      'step',
      '--config',
      configFile,
      '--backend',
      backend,
      '--budget-ms',
      '3000',
    ]);
    const r = run.result;
    rows.push([r.adapter ? `${backend} · ${r.adapter}` : backend, r.msPerStep.toFixed(3)]);
  }
  console.log(table(['backend', 'ms/step'], rows));
}

async function parallelSeeds(configFile: string, work: string): Promise<void> {
  // The bundled `mla` CLI, one process per seed: what "MLA: Train" spawns and what users type.
  const runsDir = path.join(work, 'seed-runs');
  const seedRun = (seed: number) =>
    cli([
      'train',
      configFile,
      '--seed',
      String(seed),
      '--epochs',
      String(SEED_EPOCHS),
      '--backend',
      'wasm',
      '--runs-dir',
      runsDir,
      '--quiet',
    ]);
  const seeds = [0, 1, 2];
  const cores = os.cpus().length;
  let start = performance.now();
  for (const s of seeds) await seedRun(s);
  const sequential = (performance.now() - start) / 1000;
  start = performance.now();
  await Promise.all(seeds.map(seedRun));
  const allAtOnce = (performance.now() - start) / 1000;
  start = performance.now();
  const queue = [...seeds];
  const lane = async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) await seedRun(s);
  };
  await Promise.all(Array.from({ length: Math.min(cores, seeds.length) }, lane));
  const pooled = (performance.now() - start) / 1000;
  console.log(
    `\nParallel seeds: (a) on wasm, 3 seeds × ${SEED_EPOCHS} epochs, \`mla train --seed N\` per seed (start-up included)`,
  );
  console.log(
    table(
      ['schedule', 'wall s', 'vs sequential'],
      [
        ['one after another', sequential.toFixed(1), '1.00×'],
        ['3 at once', allAtOnce.toFixed(1), `${(allAtOnce / sequential).toFixed(2)}×`],
        [
          `${Math.min(cores, 3)} at a time (cores: ${cores})`,
          pooled.toFixed(1),
          `${(pooled / sequential).toFixed(2)}×`,
        ],
      ],
    ),
  );
}

async function memory(work: string): Promise<void> {
  const config = await exampleConfig(work);
  const run: Timed<TrainResult> = await worker<TrainResult>([
    'train',
    '--config',
    config,
    '--backend',
    'wasm',
    '--epochs',
    String(MEMORY_EPOCHS),
  ]);
  const e = run.result.epochs;
  const first = e[0].rssMb;
  const peak = Math.max(...e.map((x) => x.rssMb));
  const tensors = e.map((x) => x.tensors);
  console.log(`\nMemory: the example's MLA config, ${MEMORY_EPOCHS} epochs on wasm, one process`);
  console.log(
    `resident: ${first.toFixed(0)} MB after epoch 1, peak ${peak.toFixed(0)} MB (${(peak / first).toFixed(2)}× of epoch 1), ` +
      `${e[e.length - 1].rssMb.toFixed(0)} MB at the end; tensors after each epoch: ${Math.min(...tensors)}–${Math.max(...tensors)}`,
  );
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-'));
  try {
    // The extension host's side and the sweep need no backend probing: `--only table,store,sweep,explorer`
    // (any of them) runs just those.
    if (ONLY.includes('table')) await runTableBench();
    if (ONLY.includes('store')) await runStoreLoad(work, QUICK);
    if (ONLY.every((p) => ['table', 'store', 'sweep', 'explorer'].includes(p))) {
      if (ONLY.includes('sweep')) await localSweep();
      if (ONLY.includes('explorer')) await explorerRefresh();
      return;
    }
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
        `${REPEATS} repeat(s)${QUICK ? ' (BENCH_QUICK)' : ''}; s/epoch = train loop, median of epochs after the first`,
    );
    const backends = await availableBackends();
    const matmul = new Map<string, MatmulResult>();
    for (const b of backends) matmul.set(b, (await worker<MatmulResult>(['matmul', '--backend', b])).result);
    console.log(
      'matmul 1024² GFLOP/s: ' +
        [...matmul.values()]
          .map(
            (m) =>
              `${m.backend}${m.adapter ? ` (${m.adapter})` : ''} ${m.gflopsReused.toFixed(1)} (fresh weights every call: ${m.gflopsFresh.toFixed(1)})`,
          )
          .join('; '),
    );
    const peerReason = peerUnavailable();
    const keys = WORKLOAD_KEYS.filter((k) => ONLY.includes(k));
    const needsA = ONLY.includes('step') || ONLY.includes('seeds');
    const prepared = await prepareWorkloads(work, needsA && !keys.includes('a') ? [...keys, 'a'] : keys);
    const workloads = prepared.filter((w) => keys.includes(w.key));
    const six = prepared.find((w) => w.key === 'a');
    for (const w of workloads) await benchWorkload(w, backends, matmul, peerReason, work);
    if (ONLY.includes('epoch') && backends.includes('wasm')) {
      // Whole epochs (a-d) when no workload was named, else the named ones among them.
      const named = keys.length > 0 && keys.length < WORKLOAD_KEYS.length ? keys : WHOLE_EPOCH_KEYS;
      const chosen = named.filter((k) => WHOLE_EPOCH_KEYS.includes(k));
      // 1 thread: the threaded rows are in the workloads' tables, and `mla train --threads 2` on (c) falls
      // back to the cpu backend here (the threaded wasm build aborts), which would take the section hours.
      if (chosen.length > 0) wholeEpochs(await prepareWorkloads(work, chosen), QUICK ? 1 : 2, 1);
    }
    if (ONLY.includes('step') && six) await stepTimes(six.configFile, backends);
    if (backends.includes('wasm')) {
      // The GPU workloads (e, f) would make one profiled wasm run take minutes.
      const profiled = workloads.filter((w) => w.key !== 'e' && w.key !== 'f');
      if (ONLY.includes('profile') && profiled.length > 0) await overhead(profiled);
      if (ONLY.includes('seeds') && six) await parallelSeeds(six.configFile, work);
      if (ONLY.includes('memory')) await memory(work);
    }
    dashboardSeries();
    if (ONLY.includes('sweep')) await localSweep();
    if (ONLY.includes('explorer')) await explorerRefresh();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
