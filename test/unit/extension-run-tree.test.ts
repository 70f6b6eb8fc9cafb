// The run explorer's rows (src/extension/runTree.ts) and the dashboard's state line (runView.ts) over real run
// folders, with the vscode stand-in: a stopped run says where it stopped and that Resume continues, never
// "finished"; each row carries an accessible label with config, seed, state and accuracy.

import '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { checkpointDirName } from '../../src/core/runs/checkpoint';
import { RUN_FILES } from '../../src/core/runs/paths';
import { readRun } from '../../src/core/runs/reader';
import { RunWriter } from '../../src/core/runs/writer';
import { differingKeysLine, RunTreeProvider } from '../../src/extension/runTree';
import { RunStore } from '../../src/extension/runStore';
import { toRunView } from '../../src/extension/runView';
import { tempDir } from '../support/training';
import { epochRecord, runConfig, status } from './runs-fixtures';

let runsDir: string;
let store: RunStore;
let provider: RunTreeProvider;

/** A run folder as the trainer leaves it: `epochs` epoch lines of 40 epochs planned, then `state`. */
function makeRun(
  id: string,
  seed: number,
  state: 'stopped' | 'completed',
  epochs: number,
  checkpoint: boolean,
) {
  const writer = RunWriter.create(runsDir, id, runConfig('fused-av', seed, 'g1'));
  for (let e = 1; e <= epochs; e++) writer.appendMetrics({ ...epochRecord(e, 0.5 + e / 100), epochs: 40 });
  writer.setStatus({
    ...status(state, process.pid),
    epoch: epochs,
    epochs: 40,
    endedAt: '2026-01-01T00:10:00.000Z',
  });
  writer.close();
  if (checkpoint) fs.mkdirSync(path.join(writer.dir, RUN_FILES.checkpoints, checkpointDirName(epochs)));
  return writer.dir;
}

beforeEach(() => {
  runsDir = tempDir('tree-runs');
  store = new RunStore();
  provider = new RunTreeProvider(store);
});

afterEach(() => {
  provider.dispose();
  store.dispose();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

describe('run explorer rows', () => {
  it('a stopped run with a checkpoint says where it stopped and that Resume continues, in every view', async () => {
    const run = await readRun(makeRun('20260101-000000-s3', 3, 'stopped', 27, true));
    const item = provider.getTreeItem({ kind: 'run', run });
    assert.equal(item.label, 'seed 3');
    assert.equal(item.description, '77.0% · stopped at epoch 27/40, Resume continues');
    const tooltip = item.tooltip as unknown as { value: string };
    assert.match(tooltip.value, /^\*\*fused-av\*\* · seed 3 · stopped at epoch 27\/40, Resume continues\n/);
    assert.doesNotMatch(tooltip.value, /finished/);
    assert.equal(toRunView(run).stateDetail, 'stopped at epoch 27/40, Resume continues');
    assert.deepEqual(item.accessibilityInformation, {
      label: 'fused-av seed 3, stopped at epoch 27/40, Resume continues, fused 77.0%',
      role: 'treeitem',
    });
  });

  it('a stopped run without a checkpoint does not promise a resume', async () => {
    const run = await readRun(makeRun('20260101-000000-s1', 1, 'stopped', 4, false));
    const item = provider.getTreeItem({ kind: 'run', run });
    assert.equal(item.description, '54.0% · stopped at epoch 4/40');
    assert.equal(toRunView(run).stateDetail, 'stopped at epoch 4/40');
  });

  it('a completed run shows its accuracy alone and reads as completed', async () => {
    const run = await readRun(makeRun('20260101-000000-s2', 2, 'completed', 40, true));
    const item = provider.getTreeItem({ kind: 'run', run });
    assert.equal(item.description, '90.0%');
    assert.equal(item.accessibilityInformation?.label, 'fused-av seed 2, completed, fused 90.0%');
    assert.equal(toRunView(run).stateDetail, null);
  });

  it('the tooltip names the first config values that differ from the defaults, then how many more', async () => {
    const run = await readRun(makeRun('20260101-000000-s5', 5, 'completed', 40, true));
    const item = provider.getTreeItem({ kind: 'run', run });
    const tooltip = (item.tooltip as unknown as { value: string }).value;
    // The fixture's config sets featureDim 8, hidden [8] for a and b, 10 epochs, batch 16, lr 0.01,
    // weight decay 0 and seed 5: eight values off the defaults.
    assert.equal(
      differingKeysLine(run.resolved!),
      'not default: model.featureDim = 8, model.encoders.a.hidden = [8], model.encoders.b.hidden = [8], training.epochs = 10 +4 more',
    );
    assert.ok(tooltip.includes('not default: model\\.featureDim = 8'), tooltip);
    assert.ok(tooltip.includes('\\+4 more'), tooltip);
  });
});

describe('the run explorer redrawing', () => {
  it('redraws only the rows of a run that changed, and the whole tree when a run appears', async () => {
    const a = makeRun('20260101-000000-s1', 1, 'stopped', 4, false);
    const b = makeRun('20260101-000000-s2', 2, 'stopped', 6, false);
    await Promise.all([store.refresh(a), store.refresh(b)]);
    const fired: (readonly unknown[] | undefined)[] = [];
    provider.onDidChangeTreeData((nodes) => void fired.push(nodes ?? undefined));
    const [config] = provider.getChildren();
    const [group] = provider.getChildren(config);
    const [, rowB] = provider.getChildren(group);
    const itemBefore = provider.getTreeItem(rowB);
    assert.equal(itemBefore.description, '56.0% · stopped at epoch 6/40');
    assert.deepEqual(itemBefore.command?.arguments, [rowB]);

    // The run goes on from its checkpoint and writes epoch 7.
    const writer = RunWriter.open(b);
    writer.appendMetrics({ ...epochRecord(7, 0.57), epochs: 40 });
    writer.close();
    await store.refresh(b);
    // Seed 2 moved from 56 % to 57 %: its row and the group's mean, not seed 1 nor the config.
    assert.deepEqual(fired, [[rowB, group]]);
    assert.equal(provider.getTreeItem(rowB).description, '57.0% · stopped at epoch 7/40');

    await store.refresh(makeRun('20260101-000000-s3', 3, 'stopped', 2, false));
    assert.deepEqual(fired.at(-1), undefined);
    assert.equal(fired.length, 2);
  });
});
