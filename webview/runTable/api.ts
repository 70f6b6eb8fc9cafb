// The run table webview's side of the channel: typed post, typed receive, persisted view state.

import type { HostToRunTable, RunTableToHost } from '../../src/protocol/runTable';
import type { ViewState } from '../../src/shared/runTable/viewState';

interface VsCodeApi {
  postMessage(message: RunTableToHost): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: RunTableToHost): void {
  api.postMessage(message);
}

export function onMessage(handler: (message: HostToRunTable) => void): void {
  window.addEventListener('message', (event: MessageEvent<HostToRunTable>) => handler(event.data));
}

export function saveState(state: ViewState): void {
  api.setState(state);
}

export function loadState(): unknown {
  return api.getState();
}
