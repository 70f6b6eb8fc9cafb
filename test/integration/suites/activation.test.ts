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
    for (const id of [
      'mla.train',
      'mla.stopRun',
      'mla.resumeRun',
      'mla.rerun',
      'mla.openDashboard',
      'mla.compareSeeds',
      'mla.inspectFusion',
      'mla.validateConfig',
      'mla.createExample',
      'mla.newProjectFromData',
      'mla.deleteRun',
      'mla.revealRun',
      'mla.openConfig',
      'mla.showLog',
    ]) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
  });

  it('contributes the run explorer view', async () => {
    const mla = await api();
    await vscode.commands.executeCommand('mla.runs.focus');
    // The view opens asynchronously after the command returns.
    await waitFor('the run explorer to be visible', () => mla.treeView.visible, 15_000);
    assert.equal(mla.treeView.title, 'Runs');
  });
});
