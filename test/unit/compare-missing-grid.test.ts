// `mla compare --missing-grid` on real trained runs of the generated example: a saved checkpoint evaluated
// under seeded test masks, without retraining and without writing into the run folder; rate 0 is the run's
// own test accuracy, one modality alone is that modality's prediction where the fusion skips the others.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { collectRuns } from '../../src/core/compare/collect-runs';
import { missingGridTable } from '../../src/core/compare/missing-grid-table';
import { renderTable } from '../../src/core/compare/render';
import type { ResolvedConfig } from '../../src/core/config/types';
import { evaluateMissingGrid, missingColumns } from '../../src/core/eval/missing-grid';
import { readJsonFile } from '../../src/core/runs/atomic';
import type { RunSummary } from '../../src/core/runs/types';
import { compareCommand } from '../../src/trainer/commands/compare';
import { exampleWorkspace, loadConfig, tempDir, train } from '../support/training';

/** Every file under `dir` with its sha256, to show nothing was written. */
function folderState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('the missing-modality grid', () => {
  let config: ResolvedConfig;
  const runDirs: string[] = [];
  let runsDir = '';
  before(async () => {
    const ws = await exampleWorkspace();
    config = await loadConfig(ws.mla, (raw) => {
      (raw.training as Record<string, unknown>).epochs = 3;
    });
    runsDir = tempDir('grid');
    for (const seed of [0, 1]) {
      const run = await train(config, seed, runsDir);
      assert.equal(run.state, 'completed');
      runDirs.push(run.runDir);
    }
  });

  const columns = missingColumns([0, 0.5], [['weak'], ['strong', 'medium']]);

  it('rate 0 is the run’s test accuracy; weak alone is the weak modality’s own accuracy', async () => {
    for (const dir of runDirs) {
      const summary = readJsonFile(path.join(dir, 'summary.json')) as RunSummary;
      const before = folderState(dir);
      const grid = await evaluateMissingGrid(dir, 'best', columns);
      assert.deepEqual(folderState(dir), before, `${dir} is unchanged`);
      assert.equal(grid.epoch, summary.bestEpoch);
      assert.equal(grid.fused['r=0'], summary.test.fused, 'rate 0');
      assert.equal(grid.fused['only weak'], summary.test.unimodal.weak, 'weak alone');
      // Half the strong and medium inputs gone costs accuracy; the two strong modalities keep most of it.
      assert.ok(grid.fused['r=0.5'] < grid.fused['r=0'] - 0.02, `r=0.5 ${grid.fused['r=0.5']}`);
      // Without weak, the one modality that tells class3 from class4, the fused accuracy falls; still the
      // two strong modalities beat weak alone.
      assert.ok(grid.fused['only strong+medium'] < grid.fused['r=0'] - 0.05, 'weak carries its classes');
      assert.ok(grid.fused['only strong+medium'] > grid.fused['only weak'], 'strong+medium beat weak');
      assert.deepEqual(await evaluateMissingGrid(dir, 'best', columns), grid, 'the masks are seeded');
    }
  });

  it('tabulates one column per rate and combination, mean ± std over the seeds, in every format', async () => {
    const runs = await collectRuns([runsDir]);
    const table = await missingGridTable(runs, {
      epoch: 'best',
      rates: [0, 0.5],
      combos: [['weak'], ['strong', 'medium']],
    });
    assert.deepEqual(table.columns, ['r=0', 'r=0.5', 'only weak', 'only strong+medium']);
    assert.equal(table.rows.length, 1);
    assert.equal(table.reference, null);
    const row = table.rows[0];
    assert.deepEqual(row.seeds, [0, 1]);
    const perRun = await Promise.all(runDirs.map((d) => evaluateMissingGrid(d, 'best', columns)));
    for (const c of table.columns) {
      const [a, b] = perRun.map((g) => g.fused[c]);
      assert.equal(row.cells[c].n, 2);
      assert.ok(Math.abs(row.cells[c].mean - (a + b) / 2) < 1e-12, `${c} mean`);
      assert.ok(Math.abs(row.cells[c].std - Math.abs(a - b) / Math.SQRT2) < 1e-12, `${c} std`);
    }
    const markdown = renderTable(table, 'markdown');
    assert.match(markdown, /\| Method \| r=0 \| r=0\.5 \| only weak \| only strong\+medium \|/);
    assert.match(markdown, /under missing modalities/);
    assert.match(renderTable(table, 'csv').split('\n')[0], /r=0_mean,r=0_std,r=0_n,r=0\.5_mean/);
    assert.match(
      renderTable(table, 'latex'),
      /\\toprule\nMethod & r=0 & r=0\.5 & only weak & only strong\+medium/,
    );
    assert.deepEqual(JSON.parse(renderTable(table, 'json')).columns, table.columns);
  });

  it('refuses a combination naming a modality the run lacks, naming the run and its modalities', async () => {
    await assert.rejects(evaluateMissingGrid(runDirs[0], 'best', missingColumns([], [['audio']])), {
      message: `--missing-combos: ${runDirs[0]} has no modality "audio" (its modalities: strong, medium, weak)`,
    });
  });

  it('the command line refuses a rate outside [0, 1), an empty combination and a grid on val', async () => {
    await assert.rejects(compareCommand([runsDir, '--missing-grid', '0,1']), {
      message: '--missing-grid: expected rates in [0, 1) separated by commas, found "1"',
    });
    await assert.rejects(compareCommand([runsDir, '--missing-grid', '0,0']), {
      message: '--missing-grid: a rate is listed twice in "0,0"',
    });
    await assert.rejects(compareCommand([runsDir, '--missing-combos', 'weak,+strong']), {
      message:
        '--missing-combos: expected modality names joined by + and separated by commas, found "+strong"',
    });
    await assert.rejects(compareCommand([runsDir, '--missing-grid', '0.1', '--metric', 'val']), {
      message: '--missing-grid evaluates the test split: drop --metric',
    });
  });
});
