// The Slurm executor against a real one-node Slurm (scripts/slurm/start-local.sh): a 2 × 2 × 2-seed sweep
// as one array job; one task cancelled while it trains (with the run explorer's Stop), one requeued;
// re-running the sweep resumes the cancelled trial; every run folder ends completed, and the states Slurm
// recorded are the ones expected. At each step the run explorer (runTree.ts / sweepTree.ts over the vscode
// stand-in) shows what Slurm says: queued tasks before their run folder exists, the cancelled task's reason
// and stderr file, the requeued task queued again, and nothing of it in Restricted Mode.

import '../support/vscode';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exampleConfig } from '../../src/core/data/exampleProject';
import { writeExampleDataset } from '../../src/core/data/synthetic';
import { listRunDirs, readRun } from '../../src/core/runs/reader';
import type { RunStatus } from '../../src/core/runs/types';
import type { SlurmJobRecord } from '../../src/core/sweep/executors/slurm';
import type { SweepPlan } from '../../src/core/sweep/types';
import type { RunConfigRecord } from '../../src/core/train/runner';
import { RunStore } from '../../src/extension/runStore';
import { RunTreeProvider, type RunTreeNode } from '../../src/extension/runTree';
import { SweepStates } from '../../src/extension/sweepStates';
import { slurmStopTargets, stopSlurmTargets } from '../../src/extension/sweepStop';
import { BIN, run } from '../support/cli';
import { REPO } from '../support/training';
import { editor } from '../support/vscode';

const BASE = process.env.MLA_SLURM_BASE ?? '/tmp/mla-slurm';
process.env.SLURM_CONF = path.join(BASE, 'etc', 'slurm.conf');

let dir = '';
let sweepFile = '';
let runsDir = '';

before(async () => {
  // Not a skip: without Slurm this tier fails, naming what to install.
  execFileSync('bash', [path.join(REPO, 'scripts', 'slurm', 'start-local.sh')], { stdio: 'inherit' });
  dir = fs.mkdtempSync(path.join(tmpdir(), 'mla-slurm-sweep-'));
  await writeExampleDataset(path.join(dir, 'data'), { samples: 300 });
  fs.writeFileSync(path.join(dir, 'base.mla.json'), JSON.stringify(exampleConfig('mla', null), null, 2));
  sweepFile = path.join(dir, 'grid.sweep.json');
  runsDir = path.join(dir, 'runs');
  fs.writeFileSync(
    sweepFile,
    JSON.stringify({
      name: 'slurm grid',
      base: 'base.mla.json',
      grid: { 'training.optimizer.lr': [0.01, 0.05], 'mla.hgm.mode': ['replace', 'off'] },
      seeds: [0, 1],
      // Long enough that a task can be caught training; 8 of them still end in well under a minute.
      overrides: { 'training.epochs': 150, 'training.batchSize': 32 },
      maxParallel: 2,
      slurm: { time: '00:10:00', setup: ['echo "task $SLURM_ARRAY_TASK_ID on $(hostname)"'] },
    }),
  );
  editor.reset();
  editor.setFolders([dir]);
  editor.settings.set('mla.runsDirectory', runsDir);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function status(runDir: string): RunStatus | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(runDir, 'status.json'), 'utf8')) as RunStatus;
  } catch {
    return null;
  }
}

/** Polls a condition of the run folders / Slurm until it holds (a deadline, not a fixed wait). */
async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Row {
  node: RunTreeNode;
  label: string;
  description: string;
  context: string;
  tooltip: string;
}

/** The run explorer over the test's runs folder, as the extension wires it (Slurm asked on demand here). */
class Explorer {
  readonly store = new RunStore();
  readonly states = new SweepStates(() => [runsDir], 3_600_000);
  readonly tree = new RunTreeProvider(this.store, this.states);

  /** Reads the folders and asks Slurm, then every row of the sweep named `name`: its node and trial rows. */
  async read(name: string): Promise<{ sweep: Row; trials: Map<number, Row> }> {
    await this.store.rescan();
    await this.states.refresh(true);
    const node = this.tree.getChildren().find((n) => n.kind === 'config' && n.name === `${name} (sweep)`);
    assert.ok(node, `the explorer lists the sweep "${name}"`);
    const trials = new Map<number, Row>();
    for (const group of this.tree.getChildren(node))
      for (const row of this.tree.getChildren(group)) {
        const index =
          row.kind === 'trial'
            ? row.trial.index
            : row.kind === 'run'
              ? row.run.resolved?.run.sweep?.index
              : undefined;
        assert.ok(index !== undefined, 'every row under a sweep is one of its trials');
        trials.set(index, this.row(row));
      }
    return { sweep: this.row(node), trials };
  }

  /** Re-reads until trial `index`'s row satisfies `ok` (a deadline, not a fixed wait). */
  async until(
    name: string,
    index: number,
    what: string,
    ok: (row: Row) => boolean,
    ms = 60_000,
  ): Promise<Row> {
    const end = Date.now() + ms;
    for (;;) {
      const row = (await this.read(name)).trials.get(index);
      if (row && ok(row)) return row;
      if (Date.now() > end)
        assert.fail(
          `timed out waiting for the explorer to show ${what}; last: ${JSON.stringify(row && { ...row, node: undefined })}`,
        );
      await sleep(300);
    }
  }

  private row(node: RunTreeNode): Row {
    const item = this.tree.getTreeItem(node);
    const tooltip = item.tooltip;
    return {
      node,
      label: String(item.label),
      description: String(item.description ?? ''),
      context: item.contextValue ?? '',
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
    };
  }

  dispose(): void {
    this.tree.dispose();
    this.states.dispose();
    this.store.dispose();
  }
}

function jobComp(): string {
  return fs.readFileSync(path.join(BASE, 'log', 'jobcomp.txt'), 'utf8');
}

test('a 2 × 2 × 2-seed sweep on Slurm: cancel one task, requeue another, re-run, all completed', async () => {
  // Flags fill what the sweep file leaves out (as the editor's mla.slurm.* settings do); its own time wins.
  const submitted = await run(process.execPath, [
    BIN,
    'sweep',
    sweepFile,
    '--executor',
    'slurm',
    '--runs-dir',
    runsDir,
    '--time',
    '00:01:00',
    '--mem',
    '500M',
    '--sbatch=--comment=from-a-flag',
  ]);
  assert.equal(submitted.code, 0, submitted.stderr);
  const explorer = new Explorer();
  try {
    await slurmSweep(explorer);
  } finally {
    explorer.dispose();
  }
});

async function slurmSweep(explorer: Explorer): Promise<void> {
  const sweepFolder = path.join(runsDir, '.sweeps', 'slurm-grid');
  const plan = JSON.parse(fs.readFileSync(path.join(sweepFolder, 'plan.json'), 'utf8')) as SweepPlan;
  assert.equal(plan.trials.length, 8);
  const jobsFile = path.join(sweepFolder, 'slurm', 'jobs.json');
  const [first] = JSON.parse(fs.readFileSync(jobsFile, 'utf8')) as SlurmJobRecord[];
  assert.deepEqual(first.indices, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.match(fs.readFileSync(first.script, 'utf8'), /^#SBATCH --array=0-7%2$/m);
  assert.deepEqual(
    first.trialIds,
    plan.trials.map((t) => t.trialId),
  );
  assert.match(
    fs.readFileSync(first.script, 'utf8'),
    /sweep-task '[^']*\/slurm\/plan-1\.json' "\$SLURM_ARRAY_TASK_ID"/,
  );
  const script = fs.readFileSync(first.script, 'utf8');
  assert.match(script, /^#SBATCH --time=00:10:00$/m);
  assert.doesNotMatch(script, /--time=00:01:00/);
  assert.match(script, /^#SBATCH --mem=500M$/m);
  assert.match(script, /^#SBATCH --comment=from-a-flag$/m);
  const runDir = (i: number) => path.join(runsDir, plan.trials[i].runId);
  const training = (i: number) => {
    const s = status(runDir(i));
    return s?.state === 'running' && s.epoch >= 3;
  };

  // The explorer right after submission: at most two tasks run (%2); the other six are rows of their own,
  // queued in Slurm, before any run folder of theirs exists.
  const early = await explorer.read('slurm grid');
  assert.equal(early.trials.size, 8);
  for (const i of [2, 3, 4, 5, 6, 7]) {
    assert.equal(fs.existsSync(runDir(i)), false);
    const row = early.trials.get(i)!;
    assert.equal(row.node.kind, 'trial', `trial ${i}`);
    assert.equal(row.description, `queued in Slurm (${first.jobId}_${i})`);
    assert.equal(row.context, 'mla.trial.queued.slurm');
  }
  assert.match(early.sweep.description, /^0\/8 done( · [12] running)? · [678] queued$/);
  assert.equal(early.sweep.context, 'mla.config.sweep.slurm');
  // In Restricted Mode Slurm is never asked: the same trials are only "no run folder yet".
  editor.trusted = false;
  const restricted = new Explorer();
  try {
    const seen = await restricted.read('slurm grid');
    assert.match(seen.sweep.description, /^0\/8 done( · [12] running)? · [678] not started$/);
    for (const i of [2, 3, 4, 5, 6, 7]) {
      assert.equal(seen.trials.get(i)!.description, 'no run folder yet', `trial ${i}`);
      assert.equal(seen.trials.get(i)!.context, 'mla.trial.pending');
    }
  } finally {
    restricted.dispose();
    editor.trusted = true;
  }

  // Stop on task 0's row while it trains: scancel, SIGTERM, the trainer checkpoints and ends "stopped".
  await until('task 0 training', () => training(0));
  const row0 = await explorer.until('slurm grid', 0, 'task 0 running', (r) =>
    r.context.startsWith('mla.run.running.slurm'),
  );
  const targets = slurmStopTargets([row0.node]);
  assert.deepEqual(targets.tasks, [`${first.jobId}_0`]);
  assert.deepEqual(await stopSlurmTargets(targets), [`${first.jobId}_0`]);
  await until('trial 0 stopped', () => status(runDir(0))?.state === 'stopped');
  const stoppedAt = status(runDir(0))!.epoch;
  assert.ok(stoppedAt >= 3 && stoppedAt < 150, `stopped mid-run at epoch ${stoppedAt}`);
  // The cancelled task's row: stopped, resumable, Slurm's reason and the task's stderr file to open.
  const cancelled = await explorer.until('slurm grid', 0, 'task 0 cancelled', (r) =>
    r.tooltip.includes('Slurm CANCELLED'),
  );
  assert.equal(cancelled.context, 'mla.run.stopped.stderr.resumable');
  assert.ok(
    cancelled.tooltip.includes(
      `stderr: \`${path.join(runsDir, '.sweeps', 'slurm-grid', 'slurm', `${first.jobId}_0.err`)}\``,
    ),
    cancelled.tooltip,
  );

  // Requeue task 1 while it trains: Slurm kills it and runs it again, which resumes the checkpoint. Until
  // then its row says it is queued again.
  await until('task 1 training', () => training(1));
  execFileSync('scontrol', ['requeue', `${first.jobId}_1`]);
  const requeued = await explorer.until('slurm grid', 1, 'task 1 queued again', (r) =>
    r.context.startsWith('mla.run.queued.slurm'),
  );
  assert.ok(requeued.description.includes(`queued in Slurm (${first.jobId}_1)`), requeued.description);

  // Re-running the sweep submits only what is neither completed nor still in Slurm's queue: trial 0.
  const waited = await run(process.execPath, [
    BIN,
    'sweep',
    sweepFile,
    '--executor',
    'slurm',
    '--wait',
    '--runs-dir',
    runsDir,
  ]);
  assert.equal(waited.code, 0, waited.stderr);
  assert.match(waited.stderr, /8\/8 completed, 0 running, 0 queued, 0 stopped, 0 failed/);
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8')) as SlurmJobRecord[];
  assert.equal(jobs.length, 2);
  assert.deepEqual(jobs[1].indices, [0]);

  // Every run folder completed, with its sweep, trial and axis values in config.json; the explorer's reader
  // lists the eight of them.
  for (const [i, trial] of plan.trials.entries()) {
    assert.equal(status(runDir(i))?.state, 'completed', `trial ${i}`);
    const record = JSON.parse(
      fs.readFileSync(path.join(runDir(i), 'config.json'), 'utf8'),
    ) as RunConfigRecord;
    assert.equal(record.run.sweep?.id, 'slurm-grid');
    assert.equal(record.run.sweep?.trialId, trial.trialId);
    assert.deepEqual(record.run.sweep?.axes, trial.axes);
    assert.equal(record.run.seed, trial.seed);
    assert.equal(record.training.epochs, 150);
  }
  const listed = await Promise.all((await listRunDirs(runsDir)).map((d) => readRun(d)));
  assert.equal(listed.length, 8);
  assert.ok(listed.every((r) => r.displayState === 'completed'));
  const log = (i: number) => fs.readFileSync(path.join(runDir(i), 'log.txt'), 'utf8');
  assert.match(log(0), /resuming mla run/);
  assert.match(log(1), /resuming mla run/);
  assert.doesNotMatch(log(2), /resuming/);

  // What Slurm recorded: task 0 cancelled in the first job and completed in the second; task 1 completed
  // after its requeue; the other six completed once.
  const lines = jobComp().split('\n');
  const states = (job: string, task: number) =>
    lines
      .filter((l) => l.includes(` ArrayJobId=${job} `) && l.includes(` ArrayTaskId=${task} `))
      .map((l) => /JobState=(\S+)/.exec(l)![1]);
  assert.deepEqual(states(first.jobId, 0), ['CANCELLED']);
  assert.deepEqual(states(jobs[1].jobId, 0), ['COMPLETED']);
  assert.equal(states(first.jobId, 1).at(-1), 'COMPLETED');
  assert.ok(states(first.jobId, 1).length >= 2, `task 1 ran twice: ${states(first.jobId, 1).join(', ')}`);
  for (const i of [2, 3, 4, 5, 6, 7]) assert.deepEqual(states(first.jobId, i), ['COMPLETED'], `task ${i}`);

  // Idempotent: the sweep again has nothing to run.
  const again = await run(process.execPath, [
    BIN,
    'sweep',
    sweepFile,
    '--executor',
    'slurm',
    '--runs-dir',
    runsDir,
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /8 already completed, 0 to run/);
  assert.equal((JSON.parse(fs.readFileSync(jobsFile, 'utf8')) as SlurmJobRecord[]).length, 2);

  // The explorer at the end: eight completed runs, no trial rows, one combination starred.
  const end = await explorer.read('slurm grid');
  assert.equal(end.sweep.description, '8/8 done');
  assert.equal(end.sweep.context, 'mla.config.sweep');
  assert.ok([...end.trials.values()].every((r) => r.context === 'mla.run.completed'));
  const groups = explorer.tree.getChildren(end.sweep.node);
  assert.equal(groups.length, 4);
  assert.equal(groups.filter((g) => g.kind === 'group' && g.best).length, 1);
}

test('a task that fails shows Slurm’s state and exit code and its stderr file; --wait exits 1', async () => {
  const file = path.join(dir, 'broken.sweep.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      name: 'broken setup',
      base: 'base.mla.json',
      seeds: [0],
      overrides: { 'training.epochs': 1 },
      slurm: { setup: ['echo "nodejs/20: module not found" >&2', 'exit 3'] },
    }),
  );
  const r = await run(process.execPath, [
    BIN,
    'sweep',
    file,
    '--executor',
    'slurm',
    '--wait',
    '--runs-dir',
    runsDir,
  ]);
  assert.equal(r.code, 1, r.stderr);
  const [job] = JSON.parse(
    fs.readFileSync(path.join(runsDir, '.sweeps', 'broken-setup', 'slurm', 'jobs.json'), 'utf8'),
  ) as SlurmJobRecord[];
  const stderrFile = path.join(runsDir, '.sweeps', 'broken-setup', 'slurm', `${job.jobId}_0.err`);
  assert.match(r.stderr, /0\/1 completed, 0 running, 0 queued, 0 stopped, 1 failed/);
  assert.ok(
    r.stderr.includes(`failed: Slurm FAILED, exit code 3:0: NonZeroExitCode; stderr: ${stderrFile}`),
    `the failure names Slurm's reason and the stderr file:\n${r.stderr}`,
  );
  assert.match(fs.readFileSync(stderrFile, 'utf8'), /nodejs\/20: module not found/);

  // In the explorer: the trial never made a run folder; its row says why and opens the stderr file.
  const explorer = new Explorer();
  try {
    const { sweep, trials } = await explorer.read('broken setup');
    assert.equal(sweep.description, '0/1 done · 1 failed');
    const row = trials.get(0)!;
    assert.equal(row.node.kind, 'trial');
    assert.equal(row.description, 'failed: Slurm FAILED, exit code 3:0: NonZeroExitCode');
    assert.equal(row.context, 'mla.trial.failed.stderr');
    assert.ok(row.tooltip.includes(stderrFile), row.tooltip);
  } finally {
    explorer.dispose();
  }
});
