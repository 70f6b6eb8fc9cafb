import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../../src/core/runs/reader';
import type { HostToWebview } from '../../../src/protocol/dashboard';
import { api, runsOf, waitFor, writeConfig } from './support';
import { COMMANDS } from '../../../src/extension/commandIds';

type Posted<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;

// One white pixel: a real PNG.
const PNG_1PX =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==';

describe('dashboard: compare seeds', () => {
  it('shows a seed group beside the joint runs of the same dataset and exports the table', async () => {
    const mla = await api();
    await vscode.commands.executeCommand(
      COMMANDS.train,
      writeConfig('it-cmp-mla', { training: { epochs: 4 }, seeds: [0, 1] }),
    );
    await vscode.commands.executeCommand(
      COMMANDS.train,
      writeConfig('it-cmp-joint', {
        method: 'joint',
        mla: undefined,
        training: { epochs: 4 },
        seeds: [0, 1],
      }),
    );
    const done = (name: string) =>
      waitFor(`${name} to complete`, () => {
        const runs = runsOf(mla, name).filter((r) => r.summary !== null && r.status?.state === 'completed');
        return runs.length === 2 ? runs : null;
      });
    const mlaRuns = await done('it-cmp-mla');
    const jointRuns = await done('it-cmp-joint');
    const group = (mlaRuns[0].config as { run: { group: string } }).run.group;
    await vscode.commands.executeCommand(COMMANDS.compareSeeds, {
      kind: 'group',
      config: 'it-cmp-mla',
      group,
      runs: mlaRuns,
    });
    const dirs = mlaRuns.map((r) => r.dir);
    const panel = await waitFor('the panel', () => mla.panels.get('compare', dirs));
    const data = (await waitFor('the comparison data', () =>
      panel.traffic.posted.find((m) => m.type === 'compareData'),
    )) as Posted<'compareData'>;
    const [primary, ...peers] = data.groups;
    assert.equal(primary.name, 'it-cmp-mla');
    assert.equal(primary.primary, true);
    assert.deepEqual(
      primary.runs.map((r) => r.run.seed),
      [0, 1],
    );
    assert.equal(primary.runs[0].records.length, 4);
    const joint = peers.find((g) => g.name === 'it-cmp-joint');
    assert.ok(
      joint,
      `the joint runs of the same dataset are offered: ${peers.map((g) => g.name).join(', ')}`,
    );
    assert.equal(joint.method, 'joint');
    assert.equal(joint.primary, false);
    assert.deepEqual(joint.runs.map((r) => r.run.runDir).sort(), jointRuns.map((r: RunInfo) => r.dir).sort());
    assert.equal(
      joint.runs[0].run.summary?.test.fused,
      jointRuns.find((r) => r.seed === 0)?.summary?.test.fused,
    );

    // Copy: the clipboard holds exactly what the webview sent.
    const markdown = '| method | fused |\n| --- | --- |\n| it-cmp-mla | 97.0 ± 0.5 |\n';
    await panel.handleMessage({
      type: 'exportText',
      format: 'markdown',
      action: 'copy',
      fileName: 'table.md',
      content: markdown,
    });
    assert.equal(await vscode.env.clipboard.readText(), markdown);
    // Save: through the save dialog (replaced here by a fixed target).
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-export-'));
    const previous = mla.panels.pickSaveTarget;
    mla.panels.pickSaveTarget = async (name) => vscode.Uri.file(path.join(out, name));
    try {
      await panel.handleMessage({
        type: 'exportText',
        format: 'csv',
        action: 'save',
        fileName: 'table.csv',
        content: 'config,fused\nit-cmp-mla,97.00\n',
      });
      assert.equal(fs.readFileSync(path.join(out, 'table.csv'), 'utf8'), 'config,fused\nit-cmp-mla,97.00\n');
      await panel.handleMessage({ type: 'exportPng', fileName: 'chart.png', dataUrl: PNG_1PX });
      const png = fs.readFileSync(path.join(out, 'chart.png'));
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
      // Base64 that is not a PNG is refused with a notice, and nothing is written.
      await panel.handleMessage({
        type: 'exportPng',
        fileName: 'fake.png',
        dataUrl: 'data:image/png;base64,AAAA',
      });
      assert.equal(fs.existsSync(path.join(out, 'fake.png')), false);
      assert.ok(
        panel.traffic.posted.some(
          (m) => m.type === 'notice' && m.level === 'error' && /not a PNG/.test(m.message),
        ),
      );
    } finally {
      mla.panels.pickSaveTarget = previous;
    }
  });
});
