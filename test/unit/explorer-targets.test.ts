// Which runs the run explorer's actions are for (src/extension/explorerTargets.ts): the run a click
// previews, read from the tree's selection; and what Compare Seeds compares from a run, a seed group, a
// config (every launch of its seeds) or several selected rows; from the command palette, the explorer's
// selection when it names runs to compare, else a question. Also that package.json offers Compare Seeds on
// those rows.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RunInfo } from '../../src/core/runs/reader';
import type { RunWriter } from '../../src/core/runs/writer';
import {
  clickedRunDir,
  compareSeedsRuns,
  paletteCompareSeedsRuns,
} from '../../src/extension/explorerTargets';
import { buildTree, groupChildren, type RunNode } from '../../src/extension/runTreeModel';
import { tempDir } from '../support/training';
import { readRuns, writeRun } from './explorer-fixtures';

let runsDir: string;
let writers: RunWriter[];
let runs: RunInfo[];

beforeEach(async () => {
  runsDir = tempDir('explorer-targets');
  const spec = (config: string, seed: number, group: string) =>
    writeRun(runsDir, { config, seed, group, fused: [0.6 + seed / 100], state: 'completed' });
  writers = [
    spec('example-mla', 0, 'g1'),
    spec('example-mla', 1, 'g1'),
    spec('example-mla', 0, 'g2'),
    spec('example-joint', 0, 'g3'),
  ];
  runs = await readRuns(writers);
});

afterEach(() => {
  for (const w of writers) w.close();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

/** The run folders' names, or the 'ask' / null that stands for a question to the person. */
const dirs = (list: RunInfo[] | 'ask' | null) =>
  list === 'ask' ? list : (list?.map((r) => path.basename(r.dir)) ?? null);

function explorer() {
  const [joint, mla] = buildTree(runs);
  const [newest, older] = mla.groups;
  const rowsOf = (group: typeof newest) => groupChildren(group) as RunNode[];
  return { joint, mla, newest, older, rowsOf };
}

describe('a click on a run row', () => {
  it('previews the selected run row, else the clicked one', () => {
    const { newest, older, mla, rowsOf } = explorer();
    const [s0, s1] = rowsOf(older);
    assert.equal(clickedRunDir(s0, [s1]), s1.run.dir, 'the selection, where the click landed');
    assert.equal(clickedRunDir(s0, []), s0.run.dir, 'no selection yet');
    assert.equal(clickedRunDir(s0, [s0, s1]), s0.run.dir, 'several selected: the clicked row');
    assert.equal(clickedRunDir(s0, [newest]), s0.run.dir, 'a group row selected: the clicked row');
    assert.equal(clickedRunDir(undefined, [mla]), undefined);
  });
});

describe('Compare Seeds', () => {
  it('on a run compares the seeds launched with it', () => {
    const { older, rowsOf } = explorer();
    assert.deepEqual(dirs(compareSeedsRuns(rowsOf(older)[1], undefined, runs)), [
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
  });

  it('on a config compares every launch of its seeds, and on a seed group that launch', () => {
    const { mla, newest } = explorer();
    assert.deepEqual(dirs(compareSeedsRuns(mla, [mla], runs)), [
      'g2-example-mla-s0',
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
    assert.deepEqual(dirs(compareSeedsRuns(newest, undefined, runs)), ['g2-example-mla-s0']);
  });

  it('on several selected rows compares every run below them, once each', () => {
    const { joint, older, rowsOf } = explorer();
    const [s0, s1] = rowsOf(older);
    assert.deepEqual(dirs(compareSeedsRuns(s0, [s0, rowsOf(joint.groups[0])[0]], runs)), [
      'g1-example-mla-s0',
      'g3-example-joint-s0',
    ]);
    assert.deepEqual(dirs(compareSeedsRuns(s1, [older, s1, s0], runs)), [
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
  });

  it('from the command palette has nothing to go on (the person picks a group)', () => {
    assert.equal(compareSeedsRuns(undefined, undefined, runs), null);
    assert.equal(compareSeedsRuns(undefined, [], runs), null);
  });

  it('from the command palette compares two or more selected runs, once each', () => {
    const { joint, older, newest, rowsOf } = explorer();
    const [s0, s1] = rowsOf(older);
    assert.deepEqual(dirs(paletteCompareSeedsRuns([s0, s1], runs)), [
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
    // Runs of different launches and configs: exactly those, not their seed groups.
    const [latest] = rowsOf(newest);
    const [jointRun] = rowsOf(joint.groups[0]);
    assert.deepEqual(dirs(paletteCompareSeedsRuns([latest, jointRun], runs)), [
      'g2-example-mla-s0',
      'g3-example-joint-s0',
    ]);
  });

  it('from the command palette compares a selected config or seed group row', () => {
    const { mla, older, rowsOf } = explorer();
    assert.deepEqual(dirs(paletteCompareSeedsRuns([mla], runs)), [
      'g2-example-mla-s0',
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
    assert.deepEqual(dirs(paletteCompareSeedsRuns([older], runs)), [
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
    // A group row with one of its runs: the group's runs, once each.
    assert.deepEqual(dirs(paletteCompareSeedsRuns([older, rowsOf(older)[1]], runs)), [
      'g1-example-mla-s0',
      'g1-example-mla-s1',
    ]);
  });

  it('from the command palette asks with nothing or only one run selected', () => {
    const { newest, older, rowsOf } = explorer();
    assert.equal(paletteCompareSeedsRuns([], runs), 'ask');
    // One run is what a click to preview it leaves selected: not a request to compare.
    assert.equal(paletteCompareSeedsRuns([rowsOf(older)[1]], runs), 'ask');
    assert.equal(paletteCompareSeedsRuns([rowsOf(newest)[0]], runs), 'ask');
  });

  it('is on the context menu of config, seed group and run rows, and the explorer selects many', () => {
    const root = path.join(__dirname, '../..');
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> };
    };
    const entries = manifest.contributes.menus['view/item/context'].filter(
      (m) => m.command === 'mla.compareSeeds' && !m.group?.startsWith('inline'),
    );
    assert.equal(entries.length, 1);
    const when = entries[0].when ?? '';
    assert.match(when, /viewItem == mla\.config\b/);
    assert.match(when, /viewItem == mla\.group\b/);
    assert.match(when, /viewItem =~ \/\^mla\\\.run\\\.\//);
    const extension = fs.readFileSync(path.join(root, 'src/extension/extension.ts'), 'utf8');
    assert.match(extension, /canSelectMany: true/);
  });
});
