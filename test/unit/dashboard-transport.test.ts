// The panel's transport: nothing reaches a webview that is not listening, and the traffic log stays bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { PanelTransport } from '../../src/extension/dashboard/transport';
import type { HostToWebview } from '../../src/protocol/dashboard';

function webview(): { delivered: unknown[]; view: vscode.Webview } {
  const delivered: unknown[] = [];
  const view = { postMessage: (m: unknown) => (delivered.push(m), Promise.resolve(true)) };
  return { delivered, view: view as unknown as vscode.Webview };
}

test('messages wait for ready: before it they are dropped, after it delivered and logged', () => {
  const { delivered, view } = webview();
  const transport = new PanelTransport(view);
  transport.notice('info', 'early');
  assert.deepEqual(delivered, []);
  assert.deepEqual(transport.traffic.posted, []);
  transport.ready = true;
  transport.notice('error', 'now');
  const sent: HostToWebview = { type: 'notice', level: 'error', message: 'now' };
  assert.deepEqual(delivered, [sent]);
  assert.deepEqual(transport.traffic.posted, [sent]);
});

test('the traffic log keeps the last 400 messages', () => {
  const { delivered, view } = webview();
  const transport = new PanelTransport(view);
  transport.ready = true;
  for (let i = 0; i < 450; i++) transport.notice('info', `n${i}`);
  assert.equal(delivered.length, 450);
  assert.equal(transport.traffic.posted.length, 400);
  const first = transport.traffic.posted[0];
  assert.ok(first.type === 'notice' && first.message === 'n50');
});
