// The run table panel (MLA: Open Run Table): one webview over every run the run store sees. It sends the
// runs whole when the webview is ready and again, debounced, when run folders change; it checks what the
// webview asks before acting (only runs it was sent) and hands Compare Seeds and Open Dashboard to the
// dashboard panels, and the CSV export to the dashboard's save dialog.

import * as vscode from 'vscode';
import { parseRunTableMessage, type HostToRunTable, type RunTableToHost } from '../../protocol/runTable';
import { dashboardHtml } from '../dashboard/html';
import type { DashboardPanels } from '../dashboard/panel';
import { exportText } from '../dashboard/exports';
import type { RunStore } from '../runStore';
import { TableRuns } from './rows';

export const RUN_TABLE_VIEW_TYPE = 'mla.runTable';
/** Run folders change in bursts (a sweep's trials end together): one resend per burst. */
const REFRESH_DEBOUNCE_MS = 300;
/** Dashboards opened at once from a selection; more would bury the editor in tabs. */
const MAX_DASHBOARDS = 8;

export class RunTablePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private ready = false;
  private known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly runs = new TableRuns();
  private readonly disposables: vscode.Disposable[] = [];
  private panelDisposables: vscode.Disposable[] = [];
  /** Rows the webview last reported drawn, and the messages it sent that failed validation (for tests). */
  readonly traffic = { rendered: -1, rejected: 0, sent: 0 };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly dashboards: DashboardPanels,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(RUN_TABLE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
      store.onDidChange(() => this.scheduleRefresh()),
    );
  }

  get webviewPanel(): vscode.WebviewPanel | null {
    return this.panel;
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.adopt(
      vscode.window.createWebviewPanel(RUN_TABLE_VIEW_TYPE, 'MLA Run Table', vscode.ViewColumn.Active),
    );
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of [...this.disposables, ...this.panelDisposables]) d.dispose();
  }

  /** Handles a message as if the webview had sent it, validation included (integration tests use it). */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseRunTableMessage(raw, this.known);
    if (!message) {
      this.traffic.rejected++;
      return;
    }
    try {
      await this.act(message);
    } catch (error) {
      this.post({ type: 'notice', level: 'error', message: (error as Error).message });
    }
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'mla.svg');
    panel.webview.html = dashboardHtml(panel.webview, this.extensionUri, panel.title, 'runTable');
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)),
      // A hidden webview is torn down; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
        this.panel = null;
        this.ready = false;
      }),
    ];
  }

  private async act(message: RunTableToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendRuns();
        return;
      case 'rendered':
        this.traffic.rendered = message.rows;
        return;
      case 'openDashboard': {
        const dirs = message.runDirs.slice(0, MAX_DASHBOARDS);
        for (const dir of dirs) this.dashboards.open('run', [dir]);
        if (message.runDirs.length > dirs.length)
          this.post({
            type: 'notice',
            level: 'info',
            message: `Opened the first ${dirs.length} of ${message.runDirs.length} dashboards.`,
          });
        return;
      }
      case 'compareSeeds':
        this.dashboards.open('compare', message.runDirs);
        return;
      case 'exportCsv': {
        const pick = (name: string, filters: Record<string, string[]>) =>
          this.dashboards.pickSaveTarget(name, filters);
        const done = await exportText(pick, 'csv', 'save', message.fileName, message.content);
        if (done) this.post({ type: 'notice', level: 'info', message: done });
        return;
      }
    }
  }

  private scheduleRefresh(): void {
    if (!this.ready || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendRuns();
    }, REFRESH_DEBOUNCE_MS);
  }

  private sendRuns(): void {
    const runs = this.runs.of(this.store.all);
    this.known = new Set(runs.map((r) => r.runDir));
    this.post({ type: 'runs', runs });
  }

  private post(message: HostToRunTable): void {
    if (!this.ready || !this.panel) return;
    if (message.type === 'runs') this.traffic.sent++;
    void this.panel.webview.postMessage(message);
  }
}
