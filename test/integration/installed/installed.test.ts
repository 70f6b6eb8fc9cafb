// The product as a user gets it: the .vsix installed into a workbench (code-server --install-extension), a
// fresh empty folder, the example created and trained from the installed extension's own commands.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlaStudioApi } from '../../../src/extension/extension';
import { COMMANDS } from '../../../src/extension/commandIds';
import { EXTENSION_ID, waitFor } from '../suites/support';

function installed(): vscode.Extension<MlaStudioApi> {
  const ext = vscode.extensions.getExtension<MlaStudioApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this window`);
  return ext;
}

describe('the installed .vsix', () => {
  it('is loaded from the extensions folder, not from the repository', () => {
    const ext = installed();
    const folder = path.basename(ext.extensionPath);
    assert.match(folder, /^mla-studio\.mla-studio-\d+\.\d+\.\d+$/, ext.extensionPath);
    // What the package ships: the bundles, the schemas, the guide; never the sources or the tests.
    for (const shipped of [
      'dist/extension.js',
      'dist/trainer.js',
      'dist/checkpoint-worker.js',
      'dist/schemas/mla-config.schema.json',
      'schemas',
      'docs/guide.md',
    ]) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, shipped)), `${shipped} is in the package`);
    }
    for (const left of ['src', 'test', 'scripts']) {
      assert.ok(!fs.existsSync(path.join(ext.extensionPath, left)), `${left}/ is not in the package`);
    }
  });

  it('creates the example in an empty folder and trains every seed of its MLA config', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the window has a folder');
    assert.deepEqual(fs.readdirSync(folder), [], 'the folder starts empty');

    await vscode.commands.executeCommand(COMMANDS.createExample);
    const config = path.join(folder, 'mla-example', 'example-mla.mla.json');
    assert.ok(fs.existsSync(config), 'the example config was written');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, config, 'and opened');

    const mla = installed().exports;
    // MLA: Train with the config open trains it without asking.
    await vscode.commands.executeCommand(COMMANDS.train);
    const seeds = (JSON.parse(fs.readFileSync(config, 'utf8')) as { seeds: number[] }).seeds;
    const runs = await waitFor(
      `the ${seeds.length} seeds of example-mla to complete`,
      () => {
        const done = mla.store.all.filter(
          (r) => r.name === 'example-mla' && r.status?.state === 'completed' && r.summary !== null,
        );
        return done.length === seeds.length ? done : null;
      },
      240_000,
    );
    assert.deepEqual(runs.map((r) => r.seed).sort(), [...seeds].sort());
    for (const run of runs) {
      assert.ok(run.dir.startsWith(path.join(folder, '.mla', 'runs')), run.dir);
      const fused = run.summary?.test.fused ?? 0;
      assert.ok(fused > 0.5, `seed ${run.seed}: fused test accuracy ${fused} above chance`);
    }
  });
});
