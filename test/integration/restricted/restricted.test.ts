import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, waitFor, workspaceFile, writeConfig } from '../suites/support';
import { COMMANDS } from '../../../src/extension/commandIds';

describe('Restricted Mode', () => {
  it('refuses to train in an untrusted workspace, while validation still works', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this suite must run in an untrusted workspace');
    const mla = await api();
    const uri = writeConfig('it-restricted', { training: { epochs: 1 }, seeds: [0] });
    const result = await mla.training.train(uri);
    assert.equal(result.started, false);
    assert.match(result.reason ?? '', /Restricted Mode/);
    await vscode.commands.executeCommand(COMMANDS.train, uri);
    assert.equal(mla.training.activeProcesses.length, 0);
    assert.equal(mla.store.all.filter((r) => r.name === 'it-restricted').length, 0);

    const file = workspaceFile('it-restricted-broken.mla.json');
    fs.writeFileSync(file, '{ "dataset": "data/dataset.json", "training": { "epochs": 0 } }\n');
    const doc = await vscode.workspace.openTextDocument(file);
    const diagnostics = await waitFor('diagnostics in Restricted Mode', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'MLA');
      return d.length > 0 ? d : null;
    });
    assert.match(diagnostics[0].message, /expected an integer ≥ 1, found 0/);
  });
});
