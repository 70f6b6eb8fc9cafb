// The webview's side of the channel: typed post, typed receive, and persisted state for window reloads.

import type { DashboardState, HostToWebview, WebviewToHost } from '../../src/protocol/dashboard';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: DashboardState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

export function onMessage(handler: (message: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => handler(event.data));
}

export function saveState(state: DashboardState): void {
  api.setState(state);
}
