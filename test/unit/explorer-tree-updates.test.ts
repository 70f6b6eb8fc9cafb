// The run explorer's rows as they follow the run folders (src/extension/runTreeModel.ts): while the tree's
// shape holds, a new epoch of one run redraws that run's row (and its seed group's when the group's figure
// moved) through the same row objects; a new run or a vanished one redraws the whole tree.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readRun, type RunInfo } from '../../src/core/runs/reader';
import type { RunWriter } from '../../src/core/runs/writer';
import { epochRecord } from './runs-fixtures';
import { ExplorerTree, buildTree, nodeKey, type RunTreeNode } from '../../src/extension/runTreeModel';
import { tempDir } from '../support/training';
import { readRuns, setState, writeRun } from './explorer-fixtures';

let runsDir: string;
let writers: RunWriter[];
let runs: RunInfo[];
let tree: ExplorerTree;

beforeEach(async () => {
  runsDir = tempDir('explorer-tree');
  writers = [
    writeRun(runsDir, { config: 'example-mla', seed: 0, group: 'g1', fused: [0.5, 0.6], state: 'running' }),
    writeRun(runsDir, { config: 'example-mla', seed: 1, group: 'g1', fused: [0.55], state: 'running' }),
    writeRun(runsDir, { config: 'example-joint', seed: 0, group: 'g2', fused: [0.7], state: 'completed' }),
  ];
  runs = await readRuns(writers);
  tree = new ExplorerTree(() => buildTree(runs));
});

afterEach(() => {
  for (const w of writers) w.close();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

/** Every row of the tree, depth first, as the explorer asks for them. */
function rows(): RunTreeNode[] {
  const walk = (nodes: RunTreeNode[]): RunTreeNode[] =>
    nodes.flatMap((n) => [n, ...walk(tree.childrenOf(n))]);
  return walk(tree.roots);
}

/** Reads run folders `indexes` again, as the run store does when their files change. */
async function reread(...indexes: number[]): Promise<void> {
  for (const i of indexes) runs[i] = await readRun(writers[i].dir);
}

describe('the run explorer following its run folders', () => {
  it('lists configs, seed groups and runs, asking for each row once', () => {
    assert.deepEqual(rows().map(nodeKey), [
      'config:example-joint',
      'group:example-joint:g2',
      `run:${writers[2].dir}`,
      'config:example-mla',
      'group:example-mla:g1',
      `run:${writers[0].dir}`,
      `run:${writers[1].dir}`,
    ]);
    const first = rows();
    assert.ok(
      rows().every((row, i) => row === first[i]),
      'the same objects on every call',
    );
  });

  it('a new epoch of one run redraws its row and its group, through the same objects', async () => {
    const before = rows();
    writers[1].appendMetrics(epochRecord(2, 0.65));
    setState(writers[1], 'running', 2);
    await reread(1);

    const update = tree.update();
    assert.equal(update.kind, 'rows');
    const changed = update.kind === 'rows' ? update.nodes.map(nodeKey) : [];
    // Seed 1 went from 55 % to 65 %: the group's mean of its two seeds moved with it.
    assert.deepEqual(changed, [`run:${writers[1].dir}`, 'group:example-mla:g1']);
    const after = rows();
    assert.ok(
      after.every((row, i) => row === before[i]),
      'no row object was replaced',
    );
    const row = after.find((r) => nodeKey(r) === `run:${writers[1].dir}`);
    assert.equal(row?.kind === 'run' ? row.run.lastEpoch?.test.fused : null, 0.65);
  });

  it('a run whose shown figures stay the same redraws its row only', async () => {
    rows();
    // A single-seed group shows no mean: its row does not move when the run's accuracy does.
    writers[2].appendMetrics(epochRecord(2, 0.7));
    await reread(2);
    const update = tree.update();
    assert.deepEqual(update.kind === 'rows' ? update.nodes.map(nodeKey) : update.kind, [
      `run:${writers[2].dir}`,
    ]);
    // Nothing read anew: nothing to redraw.
    const again = tree.update();
    assert.deepEqual(again, { kind: 'rows', nodes: [] });
  });

  it('a run that finishes turns its group from running to done', async () => {
    rows();
    setState(writers[0], 'completed', 2);
    setState(writers[1], 'completed', 1);
    await reread(0, 1);
    const update = tree.update();
    const changed = update.kind === 'rows' ? update.nodes.map(nodeKey) : [];
    assert.deepEqual(changed, [`run:${writers[0].dir}`, `run:${writers[1].dir}`, 'group:example-mla:g1']);
  });

  it('a new run or a vanished one redraws the whole tree with new rows', async () => {
    const before = rows();
    writers.push(
      writeRun(runsDir, { config: 'example-mla', seed: 2, group: 'g1', fused: [0.4], state: 'running' }),
    );
    runs = await readRuns(writers);
    assert.deepEqual(tree.update(), { kind: 'all' });
    const after = rows();
    assert.equal(after.length, before.length + 1);
    assert.notEqual(after[0], before[0]);

    runs = runs.slice(1);
    assert.deepEqual(tree.update(), { kind: 'all' });
    assert.equal(rows().length, before.length);
  });

  it('finds a row’s parent among the kept rows', () => {
    const all = rows();
    const run = all.find((r) => nodeKey(r) === `run:${writers[1].dir}`)!;
    const group = tree.parentOf(run);
    assert.equal(group, all[4]);
    assert.equal(tree.parentOf(group!), all[3]);
    assert.equal(tree.parentOf(all[3]), undefined);
  });
});
