import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostToWebview, SeriesFrame } from '../../../src/protocol/dashboard';
import { api, runsOf, waitFor, writeConfig } from './support';
import { COMMANDS } from '../../../src/extension/commandIds';

type Posted<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;

describe('dashboard: live run view', () => {
  it('opens for a running run with a strict CSP, streams chart frames and the header, and stops', async () => {
    const mla = await api();
    const uri = writeConfig('it-dash', { training: { epochs: 100_000 }, seeds: [0] });
    await vscode.commands.executeCommand(COMMANDS.train, uri);
    const run = await waitFor('the run to start', () =>
      runsOf(mla, 'it-dash').find((r) => r.status?.state === 'running'),
    );
    await vscode.commands.executeCommand(COMMANDS.openDashboard, { kind: 'run', run });
    const panel = await waitFor('the panel', () => mla.panels.get('run', [run.dir]));
    const html = panel.panel.webview.html;
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'nonce-[^']+'/);
    assert.doesNotMatch(html, /unsafe-eval|unsafe-inline/);
    assert.match(html, /dist\/webview\/dashboard\.css/, 'the bundle stylesheet (uPlot) is linked');
    const init = (await waitFor('the init message', () =>
      panel.traffic.posted.find((m) => m.type === 'init'),
    )) as Posted<'init'>;
    assert.equal(init.runs[0].runDir, run.dir);
    assert.deepEqual(init.runs[0].modalities, ['strong', 'medium', 'weak']);
    // The webview asks for chart data itself once it has the init message.
    await waitFor('the webview to request series', () =>
      panel.traffic.received.some((m) => m.type === 'requestSeries'),
    );
    const frames = () =>
      panel.traffic.posted.filter((m): m is Posted<'series'> => m.type === 'series').map((m) => m.frame);
    const first = await waitFor('a frame with epochs', () => frames().find((f) => f.x.length >= 2));
    assert.equal(first.runDir, run.dir);
    for (const key of [
      'trainLoss:strong',
      'trainAcc:weak',
      'val:fused',
      'test:medium',
      'lr:',
      'speed:',
      'weight:strong',
    ])
      assert.ok(first.series[key], `the frame has series ${key}`);
    assert.equal(first.series['test:fused'].length, first.x.length);
    // New epochs arrive as appended frames and reach the screen.
    const later = await waitFor('an appended frame', () => frames().find((f) => f.append && f.x.length > 0));
    const epoch = later.x.at(-1)!;
    await waitFor('the webview to draw that epoch', () => (panel.rendered.get(run.dir) ?? 0) >= epoch);
    const header = (await waitFor('a header update with an ETA', () =>
      panel.traffic.posted.find(
        (m): m is Posted<'runUpdate'> => m.type === 'runUpdate' && m.etaSeconds !== null && m.latest !== null,
      ),
    )) as Posted<'runUpdate'>;
    assert.ok(header.etaSeconds! > 0);
    assert.equal(header.run.state, 'running');

    // A zoomed, downsampled request: at most two points per bucket, extremes kept.
    const before = frames().length;
    await panel.handleMessage({
      type: 'requestSeries',
      requestId: 9001,
      runDir: run.dir,
      from: 1,
      to: epoch,
      points: 16,
      smoothing: 0.6,
    });
    const zoomed = await waitFor('the zoomed frame', () =>
      frames()
        .slice(before)
        .find((f) => f.to === epoch),
    );
    // The answer names the request it answers.
    assert.ok(
      panel.traffic.posted.some((m) => m.type === 'series' && m.requestId === 9001 && m.frame.to === epoch),
    );
    checkZoomed(zoomed, epoch);

    // Invalid messages are dropped, not acted on.
    const rejected = panel.traffic.rejected;
    const framesBefore = frames().length;
    await panel.handleMessage({ type: 'stop', runDir: '/somewhere/else' });
    await panel.handleMessage({
      type: 'requestSeries',
      requestId: 9002,
      runDir: run.dir,
      from: 1,
      to: 2,
      points: 1e9,
      smoothing: 0,
    });
    await panel.handleMessage({
      type: 'exportText',
      format: 'csv',
      action: 'save',
      fileName: '../x.csv',
      content: '',
    });
    assert.equal(panel.traffic.rejected, rejected + 3);
    assert.ok(
      !frames()
        .slice(framesBefore)
        .some((f) => f.from === 1 && f.to === 2 && !f.append),
      'a rejected series request was answered',
    );
    // Not acted on: the trainer never got a stop, so it goes on to write the next epoch and is still running.
    const epochsSoFar = (await mla.store.refresh(run.dir))!.epochs.length;
    const onward = await waitFor('the run to train on after the rejected messages', async () => {
      const now = await mla.store.refresh(run.dir);
      return now && now.epochs.length > epochsSoFar ? now : null;
    });
    assert.equal(onward.status?.state, 'running');

    await panel.handleMessage({ type: 'stop', runDir: run.dir });
    await waitFor('the run to stop', () => runsOf(mla, 'it-dash').find((r) => r.status?.state === 'stopped'));
    await waitFor('the panel to show the stopped state', () =>
      panel.traffic.posted.some((m) => m.type === 'runUpdate' && m.run.state === 'stopped'),
    );
  });
});

function checkZoomed(frame: SeriesFrame, to: number): void {
  assert.equal(frame.from, 1);
  assert.ok(frame.x.length <= 2 * 16 + 2, `${frame.x.length} points for 16 buckets`);
  assert.equal(frame.smoothing, 0.6);
  assert.ok(frame.smoothed?.['test:fused'], 'smoothed series come with the frame');
  assert.equal(frame.smoothed?.['lr:'], undefined, 'the learning rate is never smoothed');
  assert.ok(frame.x[0] <= 1 && frame.x.at(-1)! >= Math.min(to, frame.total));
  if (frame.inRange > 32) assert.equal(frame.downsampled, true);
}
