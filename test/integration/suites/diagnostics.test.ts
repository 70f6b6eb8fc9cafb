import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, waitFor, workspaceFile } from './support';

const BROKEN = `{
  "dataset": "data/dataset.json",
  "mla": { "order": ["strong", "medium", "wek"] },
  "training": { "epochs": -3, "batchSize": 64 }
}
`;

function mlaDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'MLA');
}

describe('inline config validation', () => {
  it('shows the validator diagnostics with exact ranges, and clears them after the fix', async () => {
    await api();
    const file = workspaceFile('it-broken.mla.json');
    fs.writeFileSync(file, BROKEN);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const found = await waitFor('diagnostics', () => {
      const d = mlaDiagnostics(doc.uri);
      return d.length >= 2 ? d : null;
    });
    const order = found.find((d) => /'wek' is not a modality/.test(d.message));
    assert.ok(order, found.map((d) => d.message).join('\n'));
    assert.equal(order.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      [order.range.start.line, order.range.start.character, order.range.end.line, order.range.end.character],
      [2, 41, 2, 46],
    );
    assert.equal(doc.getText(order.range), '"wek"');
    const epochs = found.find((d) => /expected an integer ≥ 1, found -3/.test(d.message));
    assert.ok(epochs);
    assert.equal(doc.getText(epochs.range), '-3');

    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => {
      e.replace(order.range, '"weak"');
      e.replace(epochs.range, '3');
    });
    await waitFor('the diagnostics to clear', () => mlaDiagnostics(doc.uri).length === 0, 10_000);
  });

  it('offers the dataset modality names as a quick fix, and applying it clears the error', async () => {
    await api();
    const file = workspaceFile('it-quickfix.mla.json');
    fs.writeFileSync(file, BROKEN.replace('-3', '3'));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const [diagnostic] = await waitFor('the unknown-modality diagnostic', () => {
      const d = mlaDiagnostics(doc.uri);
      return d.length === 1 ? d : null;
    });
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    assert.deepEqual(
      titles.filter((t) => t.startsWith('Change to')),
      ["Change to 'weak'", "Change to 'medium'", "Change to 'strong'"],
    );
    const preferred = actions.find((a) => a.title === "Change to 'weak'")!;
    assert.ok(preferred.isPreferred);
    await vscode.workspace.applyEdit(preferred.edit!);
    assert.match(doc.getText(), /"order": \["strong", "medium", "weak"\]/);
    await waitFor('the diagnostic to clear', () => mlaDiagnostics(doc.uri).length === 0, 10_000);
  });

  it('offers to insert the defaults of the object at the cursor', async () => {
    await api();
    const file = workspaceFile('it-defaults.mla.json');
    fs.writeFileSync(
      file,
      '{\n  "dataset": "data/dataset.json",\n  "training": {\n    "epochs": 3\n  }\n}\n',
    );
    const doc = await vscode.workspace.openTextDocument(file);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(3, 6, 3, 6),
    );
    const insert = actions.find((a) => a.title.startsWith('Insert the defaults missing in training'));
    assert.ok(insert, actions.map((a) => a.title).join('\n'));
    await vscode.workspace.applyEdit(insert.edit!);
    const training = (JSON.parse(doc.getText()) as { training: Record<string, unknown> }).training;
    assert.equal(training.batchSize, 64);
    assert.equal(training.epochs, 3);
  });
});
