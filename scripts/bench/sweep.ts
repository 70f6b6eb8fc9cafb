// A local 16-trial sweep of the example (2 learning rates × 2 HGM modes × 4 seeds) with `mla sweep`, its wall
// time printed against the ideal: the sum of the trials' own times divided by the parallel slots (the cores).
// The gap is process start-up, data loading and the queue. `npm run bench -- --only sweep`, or
// `npm run bench:sweep`.
//   BENCH_EPOCHS=N (default 30)   epochs per trial
//   BENCH_PARALLEL=N (default: the cores)   maxParallel of the sweep
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exampleConfig } from '../../src/core/data/exampleProject';
import { writeExampleDataset } from '../../src/core/data/synthetic';
import type { RunStatus } from '../../src/core/runs/types';
import type { SweepPlan } from '../../src/core/sweep/types';

const REPO = path.resolve(__dirname, '..', '..');
const epochs = Number(process.env.BENCH_EPOCHS ?? 30);
const parallel = Number(process.env.BENCH_PARALLEL ?? os.availableParallelism());

/** Builds the bundle, runs the sweep with the bundled `mla`, prints the figures. */
export async function localSweep(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
  console.log('');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-sweep-'));
  try {
    await writeExampleDataset(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'base.mla.json'), JSON.stringify(exampleConfig('mla', null), null, 2));
    const sweepFile = path.join(dir, 'bench.sweep.json');
    fs.writeFileSync(
      sweepFile,
      JSON.stringify({
        name: 'bench',
        base: 'base.mla.json',
        grid: { 'training.optimizer.lr': [0.01, 0.03], 'mla.hgm.mode': ['replace', 'off'] },
        seeds: [0, 1, 2, 3],
        overrides: { 'training.epochs': epochs },
        maxParallel: parallel,
      }),
    );
    const runs = path.join(dir, 'runs');
    const started = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      [path.join(REPO, 'bin', 'mla.js'), 'sweep', sweepFile, '--runs-dir', runs],
      {
        encoding: 'utf8',
      },
    );
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`mla sweep exited ${r.status}: ${r.stderr}`);
    const plan = JSON.parse(
      fs.readFileSync(path.join(runs, '.sweeps', 'bench', 'plan.json'), 'utf8'),
    ) as SweepPlan;
    const trialSeconds = plan.trials.map((t) => {
      const s = JSON.parse(fs.readFileSync(path.join(runs, t.runId, 'status.json'), 'utf8')) as RunStatus;
      return (Date.parse(s.endedAt!) - Date.parse(s.startedAt)) / 1000;
    });
    const sum = trialSeconds.reduce((a, b) => a + b, 0);
    const ideal = sum / parallel;
    const f = (x: number) => x.toFixed(2);
    console.log(
      `local sweep: ${plan.trials.length} trials × ${epochs} epochs of the example, maxParallel ${parallel}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'cpu'})`,
    );
    console.log(
      `  trial time (status.json start → end): min ${f(Math.min(...trialSeconds))} s, max ${f(Math.max(...trialSeconds))} s, sum ${f(sum)} s`,
    );
    console.log(
      `  sweep wall time ${f(wall)} s; ideal (sum / ${parallel}) ${f(ideal)} s; wall / ideal ${f(wall / ideal)}`,
    );
    console.log(
      `  overhead per trial (process start, backend and data load, queue): ${f((wall * parallel - sum) / plan.trials.length)} s`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
