import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { encodeNpy } from '../../../src/core/data/npy';
import type { WizardStepShown } from '../../../src/extension/newProjectWizard';
import { api, waitFor, workspaceFile } from './support';

function mlaDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'MLA');
}

/** 120 samples of 3 classes: an `.npy` and a `.csv` modality, labels by name. */
function ownData(): string {
  const dir = workspaceFile('own-data');
  fs.mkdirSync(dir, { recursive: true });
  const labels = Int32Array.from({ length: 120 }, (_, i) => i % 3);
  fs.writeFileSync(path.join(dir, 'labels.npy'), encodeNpy({ shape: [120], data: labels }));
  const audio = Float32Array.from(
    { length: 480 },
    (_, k) => (k % 4 === labels[k >> 2] ? 2 : 0) + Math.sin(k),
  );
  fs.writeFileSync(path.join(dir, 'audio.npy'), encodeNpy({ shape: [120, 4], data: audio }));
  fs.writeFileSync(
    path.join(dir, 'video.csv'),
    Array.from(labels, (_, i) => `${Math.cos(i)},${i % 5}`).join('\n'),
  );
  return dir;
}

describe('New Project from Data', () => {
  it('is driven by keyboard commands alone, with Back, and writes a project that validates', async () => {
    const mla = await api();
    const dir = ownData();
    const shown: WizardStepShown[] = [];
    const sub = mla.onDidShowWizardStep((s) => shown.push(s));
    const seen = (count: number) => waitFor(`wizard step #${count}`, () => shown[count - 1], 20_000);
    const accept = () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    try {
      const finished = vscode.commands.executeCommand('mla.newProjectFromData', vscode.Uri.file(dir));
      const labels = await seen(1);
      assert.equal(labels.step, 2);
      assert.deepEqual(labels.items, ['audio.npy', 'labels.npy', 'video.csv']);
      await accept();
      assert.equal((await seen(2)).step, 3);
      await accept();
      const names = await seen(3);
      assert.equal(names.step, 4);
      assert.equal(names.value, 'audio=audio.npy, video=video.csv');
      await vscode.commands.executeCommand('workbench.action.quickInputBack');
      assert.equal((await seen(4)).step, 3);
      await accept();
      assert.equal((await seen(5)).step, 4);
      await accept();
      // No 1-D file is left for a presence mask: that step asks nothing.
      assert.equal((await seen(6)).step, 6);
      await accept();
      const fraction = await seen(7);
      assert.deepEqual([fraction.step, fraction.value], [7, '0.2']);
      await accept();
      const name = await seen(8);
      assert.deepEqual([name.step, name.value], [8, 'own-data']);
      await accept();
      await finished;
    } finally {
      sub.dispose();
    }
    const config = path.join(dir, 'own-data.mla.json');
    for (const f of [
      'dataset.json',
      'own-data.mla.json',
      'own-data-joint.mla.json',
      'split_train.txt',
      'split_test.txt',
    ])
      assert.ok(fs.existsSync(path.join(dir, f)), f);
    assert.equal(fs.readFileSync(path.join(dir, 'split_test.txt'), 'utf8').trim().split('\n').length, 24);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, config);
    const doc = vscode.window.activeTextEditor!.document;
    const found = await mla.diagnostics.validate(doc);
    assert.deepEqual(
      found.map((d) => d.message),
      [],
    );
  });

  it("flags a wrong file name in dataset.json with the folder's files as fixes, and revalidates the config", async () => {
    await api();
    const dir = workspaceFile('own-data');
    const manifestFile = path.join(dir, 'dataset.json');
    const good = fs.readFileSync(manifestFile, 'utf8');
    const manifest = await vscode.workspace.openTextDocument(manifestFile);
    await vscode.window.showTextDocument(manifest);
    const at = good.indexOf('"audio.npy"');
    const range = new vscode.Range(manifest.positionAt(at), manifest.positionAt(at + '"audio.npy"'.length));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(manifest.uri, range, '"audoi.npy"');
    await vscode.workspace.applyEdit(edit);
    const wrong = await waitFor('the manifest diagnostic', () =>
      mlaDiagnostics(manifest.uri).find((d) => d.message.endsWith('audoi.npy: file not found')),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      manifest.uri,
      wrong.range,
    );
    assert.equal(actions[0].title, "Change to 'audio.npy'");

    // The config's diagnostics follow the manifest on disk: broken, then fixed.
    const config = await vscode.workspace.openTextDocument(path.join(dir, 'own-data.mla.json'));
    await manifest.save();
    await waitFor('the config to see the broken manifest', () =>
      mlaDiagnostics(config.uri).some((d) => /audoi\.npy/.test(d.message)),
    );
    await vscode.workspace.applyEdit(actions[0].edit!);
    await manifest.save();
    await waitFor('the config to be clean again', () => mlaDiagnostics(config.uri).length === 0);
    assert.equal(fs.readFileSync(manifestFile, 'utf8'), good);
  });
});
