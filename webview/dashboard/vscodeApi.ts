// The webview's side of the channel: typed post, typed receive, and persisted state for window reloads.

import type { HostToWebview, WebviewToHost } from '../../src/protocol/dashboard';
import type { UiState } from './logic/uiState';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

// Ids grow across reloads of the webview (a hidden panel is torn down and rebuilt), so an answer to a request
// of an earlier instance still reads as older than any request of this one.
let lastRequestId = Date.now();

/** A fresh id for a request (`requestSeries`, `evalCheckpoint`); the host's answer carries it back. */
export function nextRequestId(): number {
  lastRequestId += 1;
  return lastRequestId;
}

export function onMessage(handler: (message: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => handler(event.data));
}

export function saveState(state: UiState): void {
  api.setState(state);
}

export function loadState(): unknown {
  return api.getState();
}
