// One webview's side of the protocol: what the host posts (dropped while the webview is not listening:
// its `ready` makes the controllers send everything again) and a bounded log of the traffic, kept for the
// integration tests and for diagnosing a blank panel.

import type * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../../protocol/dashboard';

/** Messages kept in the traffic log; older ones are dropped so memory stays bounded. */
const TRAFFIC_LIMIT = 400;

export interface PanelTraffic {
  posted: HostToWebview[];
  received: WebviewToHost[];
  /** Messages from the webview that failed validation (ignored). */
  rejected: number;
}

export class PanelTransport {
  readonly traffic: PanelTraffic = { posted: [], received: [], rejected: 0 };
  /** The webview said `ready` and has not been hidden (torn down) since. */
  ready = false;

  constructor(private readonly webview: vscode.Webview) {}

  post(message: HostToWebview): void {
    if (!this.ready) return;
    remember(this.traffic.posted, message);
    void this.webview.postMessage(message);
  }

  received(message: WebviewToHost): void {
    remember(this.traffic.received, message);
  }

  notice(level: 'info' | 'error', message: string): void {
    this.post({ type: 'notice', level, message });
  }
}

function remember<T>(log: T[], message: T): void {
  log.push(message);
  if (log.length > TRAFFIC_LIMIT) log.splice(0, log.length - TRAFFIC_LIMIT);
}
