import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, waitFor } from './support';

describe('activation', () => {
  it('activates in a workspace with a *.mla.json and registers every MLA command', async () => {
    const started = Date.now();
    const mla = await api();
    console.log(`    activation took ${Date.now() - started} ms`);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    assert.ok(mla.store && mla.training && mla.panels);
    const commands = await vscode.commands.getCommands(true);
    // Every command the manifest contributes, so that a new one without a registration fails here.
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string }[] };
    };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 16, `only ${contributed.length} commands in package.json`);
    const missing = contributed.filter((id) => !commands.includes(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the run explorer view', async () => {
    const mla = await api();
    await vscode.commands.executeCommand('mla.runs.focus');
    // The view opens asynchronously after the command returns.
    await waitFor('the run explorer to be visible', () => mla.treeView.visible, 15_000);
    assert.equal(mla.treeView.title, 'Runs');
  });
});
