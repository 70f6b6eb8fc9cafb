import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostToWebview } from '../../../src/protocol/dashboard';
import { api, runsOf, waitFor, writeConfig } from './support';

describe('dashboard', () => {
  it('opens for a running run with a strict CSP and receives metrics updates as epochs finish', async () => {
    const mla = await api();
    const uri = writeConfig('it-dash', { training: { epochs: 300 }, seeds: [0] });
    await vscode.commands.executeCommand('mla.train', uri);
    const run = await waitFor('the run to start', () =>
      runsOf(mla, 'it-dash').find((r) => r.status?.state === 'running'),
    );
    await vscode.commands.executeCommand('mla.openDashboard', { kind: 'run', run });
    const panel = await waitFor('the panel', () => mla.panels.get('run', [run.dir]));
    const html = panel.panel.webview.html;
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'nonce-[^']+'/);
    assert.doesNotMatch(html, /unsafe-eval|unsafe-inline/);
    const init = await waitFor('the init message', () => panel.traffic.posted.find((m) => m.type === 'init'));
    assert.equal((init as Extract<HostToWebview, { type: 'init' }>).runs[0].runDir, run.dir);
    const update = (await waitFor('a metrics update with a new epoch', () =>
      panel.traffic.posted.find((m) => m.type === 'runUpdate' && m.newRecords.length > 0),
    )) as Extract<HostToWebview, { type: 'runUpdate' }>;
    const epoch = update.newRecords.at(-1)!.epoch;
    await waitFor('the webview to draw that epoch', () => (panel.rendered.get(run.dir) ?? 0) >= epoch);
    assert.ok(panel.traffic.received.some((m) => m.type === 'ready'));
    await vscode.commands.executeCommand('mla.stopRun', { kind: 'run', run });
    await waitFor('the run to stop', () => runsOf(mla, 'it-dash').find((r) => r.status?.state === 'stopped'));
    await waitFor('the panel to show the stopped state', () =>
      panel.traffic.posted.some((m) => m.type === 'runUpdate' && m.run.state === 'stopped'),
    );
  });
});
