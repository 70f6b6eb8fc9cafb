// A sweep in the run explorer (src/extension/sweepStates.ts, sweepTree.ts, runTree.ts) over a real plan and
// real run folders, with the vscode stand-in: progress on the sweep's node, rows for trials without a run
// folder, the best combination starred, and what Slurm's reports add (queued rows, the exit reason and
// stderr file, which rows Stop sends to scancel). Slurm itself is exercised by the slurm tier.

import '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exampleConfig } from '../../src/core/data/exampleProject';
import { writeExampleDataset } from '../../src/core/data/synthetic';
import { RunWriter } from '../../src/core/runs/writer';
import { countStates, type TrialReport } from '../../src/core/sweep/executors/types';
import { writePlan } from '../../src/core/sweep/folder';
import { planSweep } from '../../src/core/sweep/plan';
import { withSlurmDefaults } from '../../src/core/sweep/slurm/defaults';
import { listSweepPlans } from '../../src/core/sweep/sweeps';
import type { SweepPlan, TrialPlan } from '../../src/core/sweep/types';
import { readRun } from '../../src/core/runs/reader';
import { buildTree, groupChildren, RunTreeProvider, type RunTreeNode } from '../../src/extension/runTree';
import { RunStore } from '../../src/extension/runStore';
import { slurmFlags, slurmSettings } from '../../src/extension/settings';
import { overlay, SweepStates, type SweepView } from '../../src/extension/sweepStates';
import { slurmStopTargets } from '../../src/extension/sweepStop';
import { editor } from '../support/vscode';
import { tempDir } from '../support/training';
import { epochRecord, runConfig, status, summary } from './runs-fixtures';

let dir = '';
let runsDir = '';
let plan: SweepPlan;

/** A finished trial's run folder as the trainer leaves it, with validation fused accuracy `val`. */
function completeTrial(trial: TrialPlan, val: number): void {
  const record = runConfig('base', trial.seed, trial.group);
  record.run.runId = trial.runId;
  record.run.sweep = {
    id: plan.sweepId,
    name: plan.name,
    file: plan.sweepFile,
    trialId: trial.trialId,
    index: trial.index,
    axes: trial.axes,
    metric: plan.metric,
  };
  const writer = RunWriter.create(runsDir, trial.runId, record);
  writer.appendMetrics({ ...epochRecord(1, val), epochs: 1 });
  writer.writeSummary(summary(trial.seed, val, val, { a: val - 0.1 }));
  writer.setStatus({ ...status('completed', process.pid), endedAt: '2026-01-01T00:01:00.000Z' });
  writer.close();
}

function label(node: RunTreeNode, provider: RunTreeProvider): string {
  const item = provider.getTreeItem(node);
  return `${item.label} | ${String(item.description ?? '')} | ${item.contextValue ?? ''}`;
}

before(async () => {
  dir = tempDir('sweep-tree');
  runsDir = path.join(dir, 'runs');
  await writeExampleDataset(path.join(dir, 'data'), { samples: 60 });
  fs.writeFileSync(path.join(dir, 'base.mla.json'), JSON.stringify(exampleConfig('mla', null), null, 2));
  const sweepFile = path.join(dir, 'lr.sweep.json');
  const text = JSON.stringify({
    name: 'lr',
    base: 'base.mla.json',
    grid: { 'training.optimizer.lr': [0.01, 0.05] },
    seeds: [0, 1],
  });
  fs.writeFileSync(sweepFile, text);
  const planned = await planSweep(text, sweepFile, runsDir);
  assert.deepEqual(planned.diagnostics, []);
  plan = planned.plan!;
  writePlan(plan);
  editor.reset();
  editor.setFolders([dir]);
  editor.settings.set('mla.runsDirectory', runsDir);
});

after(() => {
  editor.reset();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a sweep in the run explorer', () => {
  it('lists every trial under the sweep: completed runs, rows for trials not started, progress, the best starred', async () => {
    assert.equal(plan.trials.length, 4);
    const byLr = (lr: number) => plan.trials.filter((t) => t.axes['training.optimizer.lr'] === lr);
    completeTrial(byLr(0.01)[0], 0.6);
    completeTrial(byLr(0.05)[0], 0.8);
    assert.deepEqual(listSweepPlans(runsDir), [path.join(runsDir, '.sweeps', 'lr', 'plan.json')]);

    const store = new RunStore();
    const states = new SweepStates(() => [runsDir], 60_000);
    const provider = new RunTreeProvider(store, states);
    try {
      await store.rescan();
      await states.refresh(true);
      const [view] = states.all;
      assert.equal(view.slurm, false);
      assert.deepEqual(view.counts, {
        total: 4,
        completed: 2,
        running: 0,
        queued: 2,
        stopped: 0,
        failed: 0,
      });
      const [sweepNode, ...others] = provider.getChildren();
      assert.equal(others.length, 0);
      assert.equal(label(sweepNode, provider), 'lr (sweep) | 2/4 done · 2 not started | mla.config.sweep');
      const groups = provider.getChildren(sweepNode);
      assert.deepEqual(groups.map((g) => label(g, provider)).sort(), [
        'lr=0.01 | 2 seeds | mla.group',
        'lr=0.05 | ★ best · 2 seeds | mla.group',
      ]);
      const best = groups.find((g) => g.kind === 'group' && g.best);
      assert.ok(best && best.kind === 'group');
      assert.equal(provider.getTreeItem(best).label, 'lr=0.05');
      const rows = groups.flatMap((g) => provider.getChildren(g)).map((n) => label(n, provider));
      assert.deepEqual(rows.sort(), [
        'seed 0 | 60.0% | mla.run.completed',
        'seed 0 | 80.0% | mla.run.completed',
        'seed 1 | not started | mla.trial.pending',
        'seed 1 | not started | mla.trial.pending',
      ]);
      const trialRow = groups.flatMap((g) => provider.getChildren(g)).find((n) => n.kind === 'trial')!;
      assert.equal(provider.getParent(trialRow)?.kind, 'group');
    } finally {
      provider.dispose();
      states.dispose();
      store.dispose();
    }
  });

  it('shows Slurm’s queued and running tasks, the exit reason and stderr file, and Stop picks their tasks', async () => {
    const runs = await Promise.all(
      plan.trials.map((t) =>
        fs.existsSync(path.join(runsDir, t.runId)) ? readRun(path.join(runsDir, t.runId)) : null,
      ),
    );
    const done = runs.filter((r) => r !== null);
    const stderrFile = path.join(runsDir, '.sweeps', 'lr', 'slurm', '41_3.err');
    fs.mkdirSync(path.dirname(stderrFile), { recursive: true });
    fs.writeFileSync(stderrFile, 'nodejs/20: module not found\n');
    const pendingIndices = plan.trials
      .map((t) => t.index)
      .filter((i) => !fs.existsSync(path.join(runsDir, plan.trials[i].runId)));
    // What slurmReport says: one task queued, one failed in its setup; the completed trials' tasks completed.
    const slurm: TrialReport[] = plan.trials.map((t) => {
      if (t.index === pendingIndices[0])
        return { index: t.index, state: 'queued', slurmTask: `41_${t.index}` };
      if (t.index === pendingIndices[1])
        return {
          index: t.index,
          state: 'failed',
          reason: 'Slurm FAILED, exit code 3:0: NonZeroExitCode',
          stderrFile,
          slurmTask: `41_${t.index}`,
        };
      return { index: t.index, state: 'completed', slurmTask: `41_${t.index}` };
    });
    const folders = plan.trials.map((t): TrialReport => ({
      index: t.index,
      state: pendingIndices.includes(t.index) ? 'pending' : 'completed',
    }));
    const reports = overlay(folders, slurm);
    assert.deepEqual(
      reports.map((r) => r.state),
      plan.trials.map((t) =>
        t.index === pendingIndices[0] ? 'queued' : t.index === pendingIndices[1] ? 'failed' : 'completed',
      ),
    );
    const view: SweepView = {
      planFile: path.join(runsDir, '.sweeps', 'lr', 'plan.json'),
      plan,
      slurm: true,
      reports,
      counts: countStates(reports),
    };
    const store = new RunStore();
    const provider = new RunTreeProvider(store);
    try {
      const [sweepNode] = buildTree(done, [view]);
      assert.equal(sweepNode.sweep, view);
      const item = provider.getTreeItem(sweepNode);
      assert.equal(item.description, '2/4 done · 1 queued · 1 failed');
      assert.equal(item.contextValue, 'mla.config.sweep.slurm');
      const children = sweepNode.groups.flatMap((g) => groupChildren(g));
      const queued = children.find((n) => n.kind === 'trial' && n.report.state === 'queued')!;
      const failed = children.find((n) => n.kind === 'trial' && n.report.state === 'failed')!;
      const completed = children.find((n) => n.kind === 'run')!;
      assert.equal(
        label(queued, provider),
        `seed 1 | queued in Slurm (41_${pendingIndices[0]}) | mla.trial.queued.slurm`,
      );
      assert.match(
        label(failed, provider),
        /^seed 1 \| failed: Slurm FAILED, exit code 3:0: NonZeroExitCode \| mla\.trial\.failed\.stderr$/,
      );
      const tooltip = provider.getTreeItem(failed).tooltip as { value: string };
      assert.ok(tooltip.value.includes(`stderr: \`${stderrFile}\``), tooltip.value);
      assert.ok(tooltip.value.includes('NonZeroExitCode'), tooltip.value);
      // A completed run carries its finished task: nothing for Stop to cancel.
      assert.equal(provider.getTreeItem(completed).contextValue, 'mla.run.completed');

      const targets = slurmStopTargets([sweepNode, queued, failed, completed]);
      assert.deepEqual(targets.tasks, [`41_${pendingIndices[0]}`]);
      assert.deepEqual(targets.sweeps, [view]);
      assert.deepEqual(targets.rest, [failed, completed]);
    } finally {
      provider.dispose();
      store.dispose();
    }
  });

  it('a folder that moved on since Slurm was asked wins: completed, or running where Slurm said queued', () => {
    const slurm: TrialReport[] = [
      { index: 0, state: 'running', slurmTask: '7_0' },
      { index: 1, state: 'queued', slurmTask: '7_1' },
      { index: 2, state: 'queued', slurmTask: '7_2' },
      { index: 3, state: 'stopped', reason: 'Slurm CANCELLED', slurmTask: '7_3' },
    ];
    const folders: TrialReport[] = [
      { index: 0, state: 'completed' },
      { index: 1, state: 'running' },
      { index: 2, state: 'stopped' },
      { index: 3, state: 'stopped' },
    ];
    assert.deepEqual(overlay(folders, slurm), [
      { index: 0, state: 'completed', slurmTask: '7_0' },
      { index: 1, state: 'running', slurmTask: '7_1' },
      // Stopped and queued again: a requeued task.
      { index: 2, state: 'queued', slurmTask: '7_2' },
      { index: 3, state: 'stopped', reason: 'Slurm CANCELLED', slurmTask: '7_3' },
    ]);
  });
});

describe('Slurm options from settings and flags', () => {
  it('the sweep file wins; settings and flags fill only what it leaves out', () => {
    assert.deepEqual(
      withSlurmDefaults(
        { partition: 'gpu', gpus: 0, setup: ['module load nodejs/20'] },
        { partition: 'cpu', time: '01:00:00', gpus: 2, setup: ['true'], sbatch: ['--account=lab'] },
      ),
      {
        partition: 'gpu',
        gpus: 0,
        setup: ['module load nodejs/20'],
        time: '01:00:00',
        sbatch: ['--account=lab'],
      },
    );
  });

  it('mla.slurm.* settings become the mla sweep flags of the same names; empty settings say nothing', () => {
    editor.settings.set('mla.slurm.partition', ' gpu ');
    editor.settings.set('mla.slurm.time', '');
    editor.settings.set('mla.slurm.mem', '8G');
    editor.settings.set('mla.slurm.gpus', 1);
    editor.settings.set('mla.slurm.sbatch', ['--account=lab', '']);
    editor.settings.set('mla.slurm.setup', ['module load nodejs/20']);
    try {
      const options = slurmSettings();
      assert.deepEqual(options, {
        partition: 'gpu',
        time: undefined,
        mem: '8G',
        gpus: 1,
        sbatch: ['--account=lab'],
        setup: ['module load nodejs/20'],
      });
      assert.deepEqual(slurmFlags(options), [
        '--partition',
        'gpu',
        '--mem',
        '8G',
        '--gpus',
        '1',
        '--sbatch=--account=lab',
        '--setup=module load nodejs/20',
      ]);
      editor.settings.set('mla.slurm.gpus', 0);
      editor.settings.set('mla.slurm.partition', '');
      editor.settings.set('mla.slurm.mem', '');
      editor.settings.set('mla.slurm.sbatch', []);
      editor.settings.set('mla.slurm.setup', []);
      assert.deepEqual(slurmFlags(slurmSettings()), []);
    } finally {
      for (const key of ['partition', 'time', 'mem', 'gpus', 'sbatch', 'setup'])
        editor.settings.delete(`mla.slurm.${key}`);
    }
  });
});
