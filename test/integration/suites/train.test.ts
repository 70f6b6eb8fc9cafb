import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, runsOf, treeRows, waitFor, writeConfig } from './support';
import { COMMANDS } from '../../../src/extension/commandIds';

describe('MLA: Train', () => {
  it('trains a 2-epoch config to completion and the explorer shows it completed with its accuracy', async () => {
    const mla = await api();
    const uri = writeConfig('it-train', { training: { epochs: 2 }, seeds: [0] });
    await vscode.commands.executeCommand(COMMANDS.train, uri);
    const run = await waitFor('the run to complete', () =>
      runsOf(mla, 'it-train').find((r) => r.status?.state === 'completed' && r.summary !== null),
    );
    assert.equal(run.epochs.length, 2);
    assert.equal(run.seed, 0);
    const summary = JSON.parse(fs.readFileSync(path.join(run.dir, 'summary.json'), 'utf8')) as {
      test: { fused: number };
    };
    const shown = `${(100 * summary.test.fused).toFixed(1)}%`;
    const rows = await treeRows(mla);
    console.log(rows.map((r) => `    ${r}`).join('\n'));
    const configRow = rows.findIndex((r) => r.startsWith('it-train |'));
    assert.ok(configRow >= 0, `no config row for it-train in:\n${rows.join('\n')}`);
    const runRow = rows.slice(configRow).find((r) => r.trim().startsWith('seed 0 |'));
    assert.ok(runRow, 'no run row under it-train');
    assert.match(runRow, new RegExp(`\\| ${shown.replace('.', '\\.')} \\| pass \\| mla\\.run\\.completed`));
  });

  it('runs one process per seed, at most mla.maxParallelRuns at once, and groups the seeds', async () => {
    const mla = await api();
    await vscode.workspace
      .getConfiguration('mla')
      .update('maxParallelRuns', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const uri = writeConfig('it-seeds', { training: { epochs: 3 }, seeds: [1, 2] });
      let maxActive = 0;
      const sub = mla.training.onDidChange(
        () => (maxActive = Math.max(maxActive, mla.training.activeProcesses.length)),
      );
      await vscode.commands.executeCommand(COMMANDS.train, uri);
      assert.equal(mla.training.activeProcesses.length + mla.training.queuedCount, 2);
      const runs = await waitFor('both seeds to complete', () => {
        const done = runsOf(mla, 'it-seeds').filter((r) => r.status?.state === 'completed');
        return done.length === 2 ? done : null;
      });
      sub.dispose();
      assert.equal(maxActive, 1);
      const groups = new Set(runs.map((r) => (r.config as { run: { group: string } }).run.group));
      assert.equal(groups.size, 1, 'the two seeds should share one seed group');
      const rows = await treeRows(mla);
      const at = rows.findIndex((r) => r.startsWith('it-seeds |'));
      assert.match(rows[at + 1], /2 seeds · \d+\.\d ± \d+\.\d%/);
    } finally {
      await vscode.workspace
        .getConfiguration('mla')
        .update('maxParallelRuns', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('refuses an invalid config and says why', async () => {
    const mla = await api();
    const uri = writeConfig('it-invalid', { training: { epochs: 0 } });
    const before = mla.training.activeProcesses.length;
    await vscode.commands.executeCommand(COMMANDS.train, uri);
    assert.equal(mla.training.activeProcesses.length, before);
    const diagnostics = vscode.languages.getDiagnostics(uri);
    assert.ok(
      diagnostics.some((d) => /expected an integer ≥ 1, found 0/.test(d.message)),
      JSON.stringify(diagnostics),
    );
  });
});
