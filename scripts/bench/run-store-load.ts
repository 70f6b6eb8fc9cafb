// The window's run store under load: 10 running runs of 100,000 epochs each, whose metrics.jsonl files keep
// growing (a separate process appends, as trainers do). The store (src/extension/runStore.ts, driven through
// the vscode stand-in) polls running runs every second; printed: how long it takes to show every epoch after
// the folder is opened, and then the extension host's busy share (event-loop utilisation) and its worst
// stall (event-loop delay), following by offset as the store does and, for comparison in the same run,
// re-parsing every whole file on each poll.

import { editor } from '../../test/support/vscode';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { readJsonl } from '../../src/core/runs/jsonl';
import { MetricsFollower, type MetricsContents } from '../../src/core/runs/metrics-follower';
import { ownIdentity } from '../../src/core/runs/process-identity';
import type { EpochRecord } from '../../src/core/runs/types';
import { RunStore } from '../../src/extension/runStore';
import { table } from './stats';

const RUNS = 10;
const EPOCHS = 100_000;
/** Epoch lines appended to each run per second: far faster than real training, to load the store. */
const APPENDS_PER_SECOND = 20;

function epochLine(epoch: number): string {
  const m = (x: number) => ({ strong: x, medium: x - 0.1, weak: x - 0.2 });
  const split = (f: number) => ({ fused: f, unimodal: m(f - 0.05), macroF1: f, loss: 1 - f });
  const record: EpochRecord = {
    type: 'epoch',
    epoch,
    epochs: EPOCHS * 2,
    lr: 0.01,
    train: { loss: m(1 / epoch), acc: m(0.8), fusedLoss: null, fusedAcc: null },
    val: split(0.9 + 0.01 * Math.sin(epoch / 500)),
    test: split(0.9 - 0.01 * Math.sin(epoch / 500)),
    fusionWeights: { strong: 0.5, medium: 0.3, weak: 0.2 },
    samplesPerSecond: 12000 + (epoch % 97),
    seconds: 0.09,
    elapsed: epoch * 0.1,
    best: epoch % 1000 === 0,
    time: new Date(Date.UTC(2026, 0, 1) + epoch * 100).toISOString(),
  };
  return JSON.stringify(record) + '\n';
}

/** The store as it was: every poll parses each running run's whole metrics.jsonl. */
class WholeFileReader extends MetricsFollower {
  override read(): MetricsContents {
    const contents = readJsonl<EpochRecord>(this.file);
    return {
      epochs: contents.records.filter((r) => r.type === 'epoch'),
      metrics: {
        corrupt: contents.corrupt,
        corruptLines: contents.corruptLines,
        partialTail: contents.partialTail,
      },
    };
  }
}

function makeRuns(runsDir: string): string[] {
  const first = path.join(runsDir, 'run-00');
  fs.mkdirSync(first, { recursive: true });
  const metrics = path.join(first, 'metrics.jsonl');
  const fd = fs.openSync(metrics, 'w');
  for (let e = 1; e <= EPOCHS; e += 1000) {
    let chunk = '';
    for (let i = e; i < e + 1000; i++) chunk += epochLine(i);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  const me = ownIdentity();
  const dirs: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const dir = path.join(runsDir, `run-${String(r).padStart(2, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    if (r > 0) fs.copyFileSync(metrics, path.join(dir, 'metrics.jsonl'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ name: `load-${r}`, run: { seed: r } }));
    // This process stands for the trainer, so each run is verifiably alive.
    const status = { ...me, state: 'running', startedAt: new Date().toISOString(), endedAt: null };
    fs.writeFileSync(
      path.join(dir, 'status.json'),
      JSON.stringify({ ...status, epoch: EPOCHS, epochs: EPOCHS * 2 }),
    );
    dirs.push(dir);
  }
  return dirs;
}

/** A child process that appends epoch lines to every run, like trainers writing. */
function startAppender(dirs: string[]) {
  const script = `
    const fs = require('node:fs');
    const [files, template, perSecond] = [JSON.parse(process.argv[1]), process.argv[2], Number(process.argv[3])];
    let epoch = ${EPOCHS};
    setInterval(() => {
      epoch += 1;
      const line = template.replace('"epoch":1,', '"epoch":' + epoch + ',');
      for (const f of files) fs.appendFileSync(f, line);
    }, 1000 / perSecond);`;
  const files = dirs.map((d) => path.join(d, 'metrics.jsonl'));
  return spawn(
    process.execPath,
    ['-e', script, JSON.stringify(files), epochLine(1), String(APPENDS_PER_SECOND)],
    {
      stdio: 'ignore',
    },
  );
}

interface Load {
  catchUpSeconds: number;
  catchUpStallMs: number;
  busyShare: number;
  worstStallMs: number;
  p99DelayMs: number;
}

function stallMonitor() {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  return {
    stop() {
      delay.disable();
      return { worstMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 };
    },
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two phases: catching up (from opening the folder until every run shows its 100,000 epochs: the follower
 * reads a bounded chunk per poll), then `seconds` of steady polling while the files keep growing.
 */
async function measure(
  workspace: string,
  dirs: string[],
  seconds: number,
  follower?: (file: string) => MetricsFollower,
): Promise<Load> {
  editor.reset();
  editor.setFolders([workspace]);
  editor.settings.set('mla.runsDirectory', 'runs');
  const started = performance.now();
  const catchUp = stallMonitor();
  const store = new RunStore(follower);
  try {
    await store.rescan();
    while (dirs.some((d) => (store.get(d)?.epochs.length ?? 0) < EPOCHS)) await tick(50);
    const catchUpSeconds = (performance.now() - started) / 1000;
    await tick(50); // the delay monitor records a stall when its timer runs after it
    const catchUpStall = catchUp.stop();
    const steady = stallMonitor();
    const before = performance.eventLoopUtilization();
    await tick(seconds * 1000);
    const used = performance.eventLoopUtilization(before);
    const stall = steady.stop();
    return {
      catchUpSeconds,
      catchUpStallMs: catchUpStall.worstMs,
      busyShare: used.utilization,
      worstStallMs: stall.worstMs,
      p99DelayMs: stall.p99Ms,
    };
  } finally {
    store.dispose();
  }
}

export async function runStoreLoad(work: string, quick: boolean): Promise<void> {
  const seconds = quick ? 8 : 20;
  const workspace = path.join(work, 'store-ws');
  const dirs = makeRuns(path.join(workspace, 'runs'));
  const size = fs.statSync(path.join(dirs[0], 'metrics.jsonl')).size;
  const appender = startAppender(dirs);
  try {
    const rows: string[][] = [];
    for (const [name, follower] of [
      ['by offset (the store)', undefined],
      ['whole file each poll', (file: string) => new WholeFileReader(file)],
    ] as const) {
      const load = await measure(workspace, dirs, seconds, follower);
      rows.push([
        name,
        load.catchUpSeconds.toFixed(1),
        load.catchUpStallMs.toFixed(0),
        (100 * load.busyShare).toFixed(1),
        load.worstStallMs.toFixed(0),
        load.p99DelayMs.toFixed(0),
      ]);
    }
    console.log(
      `\nRun store: ${RUNS} running runs of ${EPOCHS.toLocaleString('en')} epochs (${(size / 2 ** 20).toFixed(0)} MiB of ` +
        `metrics.jsonl each), ${APPENDS_PER_SECOND} epochs/s appended to each by another process; ${seconds} s per row`,
    );
    console.log(
      table(
        [
          'metrics read',
          'catch-up s',
          'catch-up worst stall ms',
          'steady busy %',
          'steady worst stall ms',
          'steady p99 delay ms',
        ],
        rows,
      ),
    );
  } finally {
    appender.kill();
  }
}
