// The run explorer with 1,000 run folders: 600 ordinary runs (10 configs × 20 launches × 3 seeds) and a sweep
// of 500 trials, 400 of which have a run folder (the other 100 are rows of their own). Printed: the store's
// full read of the folders, one refresh of the sweep states (from the run folders), and building every row of
// the tree as VS Code asks for it (getChildren + getTreeItem of every node), in ms (median of repeats); the
// host's memory (RSS and JS heap) taken by holding them. `npm run bench -- --only explorer`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunWriter } from '../../src/core/runs/writer';
import type { EpochRecord, RunStatus, RunSummary } from '../../src/core/runs/types';
import { writePlan } from '../../src/core/sweep/folder';
import type { SweepPlan, TrialPlan } from '../../src/core/sweep/types';
import { median } from './stats';

const REPEATS = 5;
const EPOCHS = 20;

function epochRecord(epoch: number, fused: number): EpochRecord {
  const scores = { fused, unimodal: { a: fused - 0.1, b: fused - 0.2 }, macroF1: fused, loss: 0.4 };
  return {
    type: 'epoch',
    epoch,
    epochs: EPOCHS,
    lr: 0.01,
    train: { loss: { a: 0.5, b: 0.6 }, acc: { a: 0.7, b: 0.6 }, fusedLoss: null, fusedAcc: null },
    val: scores,
    test: scores,
    fusionWeights: { a: 0.6, b: 0.4 },
    samplesPerSecond: 1000,
    seconds: 1,
    elapsed: epoch,
    best: false,
    time: '2026-01-01T00:00:00Z',
  };
}

function summary(seed: number, fused: number): RunSummary {
  const scores = { fused, unimodal: { a: fused - 0.1 }, macroF1: fused };
  return {
    state: 'completed',
    method: 'mla',
    seed,
    backend: 'wasm',
    epochs: EPOCHS,
    bestEpoch: EPOCHS,
    seconds: 20,
    wallSeconds: 21,
    samplesPerSecond: 1000,
    test: scores,
    val: scores,
    last: { test: scores, val: scores },
    fusion: { type: 'entropy', perSample: true, epoch: EPOCHS },
  };
}

function record(name: string, runId: string, seed: number, group: string, sweep?: object): object {
  return {
    name,
    method: 'mla',
    dataset: '/data/toy/dataset.json',
    training: { epochs: EPOCHS, batchSize: 16, optimizer: { type: 'sgd', lr: 0.01 } },
    seeds: [seed],
    backend: 'wasm',
    run: {
      runId,
      seed,
      group,
      configFile: `/work/${name}.mla.json`,
      backend: 'wasm',
      ...(sweep ? { sweep } : {}),
    },
  };
}

function writeRun(runsDir: string, runId: string, config: object, seed: number, fused: number): void {
  const writer = RunWriter.create(runsDir, runId, config);
  for (let e = 1; e <= EPOCHS; e++) writer.appendMetrics(epochRecord(e, fused * (e / EPOCHS)));
  writer.writeSummary(summary(seed, fused));
  const status: RunStatus = {
    state: 'completed',
    pid: 1,
    host: os.hostname(),
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:20.000Z',
    epoch: EPOCHS,
    epochs: EPOCHS,
  };
  writer.setStatus(status);
  writer.close();
}

/** 600 ordinary runs and a 500-trial sweep with 400 run folders under `runsDir`. */
function writeRuns(runsDir: string): void {
  for (let c = 0; c < 10; c++)
    for (let g = 0; g < 20; g++)
      for (let seed = 0; seed < 3; seed++) {
        const group = new Date(Date.UTC(2026, 0, 1, 0, g)).toISOString();
        const runId = `cfg${c}-${g}-s${seed}`;
        writeRun(
          runsDir,
          runId,
          record(`config-${c}`, runId, seed, group),
          seed,
          0.5 + ((c + g + seed) % 40) / 100,
        );
      }
  const trials: TrialPlan[] = [];
  for (let i = 0; i < 500; i++) {
    const combo = Math.floor(i / 5);
    const seed = i % 5;
    const trial = {
      index: i,
      trialId: `c${combo}`,
      runId: `bench_c${combo}_s${seed}`,
      seed,
      axes: { 'training.optimizer.lr': 0.001 * (combo + 1) },
      group: `bench_c${combo}`,
      config: {} as TrialPlan['config'],
      configFile: '/work/base.mla.json',
    };
    trials.push(trial);
    if (i >= 400) continue;
    const sweep = {
      id: 'bench',
      name: 'bench',
      file: '/work/bench.sweep.json',
      trialId: trial.trialId,
      index: i,
      axes: trial.axes,
      metric: 'val.fused',
    };
    writeRun(
      runsDir,
      trial.runId,
      record('base', trial.runId, seed, trial.group, sweep),
      seed,
      0.5 + (combo % 37) / 100,
    );
  }
  const plan: SweepPlan = {
    version: 1,
    sweepId: 'bench',
    name: 'bench',
    sweepFile: '/work/bench.sweep.json',
    runsDir,
    metric: 'val.fused',
    maxParallel: null,
    slurm: {},
    trials,
  };
  writePlan(plan);
}

export async function explorerRefresh(): Promise<void> {
  // The extension's modules import `vscode`: the test stand-in answers (settings, watchers, tree items).
  const { editor } = await import('../../test/support/vscode');
  const { RunStore } = await import('../../src/extension/runStore');
  const { RunTreeProvider } = await import('../../src/extension/runTree');
  const { SweepStates } = await import('../../src/extension/sweepStates');
  type Node = Parameters<InstanceType<typeof RunTreeProvider>['getTreeItem']>[0];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-explorer-'));
  const runsDir = path.join(dir, 'runs');
  try {
    writeRuns(runsDir);
    editor.reset();
    editor.setFolders([dir]);
    editor.settings.set('mla.runsDirectory', runsDir);
    global.gc?.();
    const before = process.memoryUsage();
    const store = new RunStore();
    const states = new SweepStates(() => [runsDir], 3_600_000);
    const tree = new RunTreeProvider(store, states);
    const scan: number[] = [];
    const sweepRefresh: number[] = [];
    const rows: number[] = [];
    let count = 0;
    const walk = (node?: Node): number => {
      let n = 0;
      for (const child of tree.getChildren(node)) {
        tree.getTreeItem(child);
        n += 1 + walk(child);
      }
      return n;
    };
    try {
      for (let r = 0; r < REPEATS; r++) {
        let t = performance.now();
        await store.rescan();
        scan.push(performance.now() - t);
        t = performance.now();
        await states.refresh(false);
        sweepRefresh.push(performance.now() - t);
        t = performance.now();
        count = walk();
        rows.push(performance.now() - t);
      }
      global.gc?.();
      const after = process.memoryUsage();
      const mb = (x: number) => (x / 2 ** 20).toFixed(0);
      console.log(
        `\nRun explorer: ${store.all.length} run folders (600 runs of 10 configs, a 500-trial sweep with 400 folders), ${count} rows; median of ${REPEATS}`,
      );
      console.log(
        `  read every run folder (RunStore.rescan) ${median(scan).toFixed(0)} ms; sweep states from the folders ${median(sweepRefresh).toFixed(0)} ms; every row built (getChildren + getTreeItem) ${median(rows).toFixed(0)} ms`,
      );
      console.log(
        `  host memory held: RSS +${mb(after.rss - before.rss)} MB, JS heap +${mb(after.heapUsed - before.heapUsed)} MB${global.gc ? '' : ' (no --expose-gc: heap figures include garbage)'}`,
      );
    } finally {
      tree.dispose();
      states.dispose();
      store.dispose();
      editor.reset();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
