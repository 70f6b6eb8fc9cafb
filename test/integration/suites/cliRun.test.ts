import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, runsOf, treeRows, waitFor, workspaceDir, writeConfig } from './support';

describe('runs started outside the editor', () => {
  it('a run folder written by the command line appears in the explorer, completed', async () => {
    const mla = await api();
    const uri = writeConfig('it-cli', { training: { epochs: 2 }, seeds: [5] });
    const ext = vscode.extensions.getExtension('mla-studio.mla-studio')!;
    const trainer = path.join(ext.extensionPath, 'dist', 'trainer.js');
    const runsDir = path.join(workspaceDir(), '.mla', 'runs');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [trainer, 'train', uri.fsPath, '--runs-dir', runsDir, '--quiet'],
        {
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          stdio: 'ignore',
        },
      );
      child.on('exit', resolve);
    });
    assert.equal(code, 0);
    const run = await waitFor('the terminal run in the explorer', () =>
      runsOf(mla, 'it-cli').find((r) => r.status?.state === 'completed'),
    );
    assert.equal(run.seed, 5);
    const rows = await treeRows(mla);
    const at = rows.findIndex((r) => r.startsWith('it-cli |'));
    assert.ok(at >= 0, rows.join('\n'));
    assert.ok(rows.slice(at).some((r) => /^\s+seed 5 \| \d+\.\d% \| pass/.test(r)));
  });
});
