// Dashboard panels: one webview per (view, runs), fed from the run store. The webview gets the runs' state
// and epoch records, then only what is new; every message it sends is validated before the host acts on it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILES } from '../../core/runs/paths';
import type { EpochRecord, FusionRecord } from '../../core/runs/types';
import {
  parseDashboardState,
  parseWebviewMessage,
  type DashboardState,
  type DashboardView,
  type HostToWebview,
  type WebviewToHost,
} from '../../protocol/dashboard';
import type { RunStore } from '../runStore';
import { toRunView } from '../runView';
import type { TrainingManager } from '../trainingManager';
import { dashboardHtml } from './html';

export const DASHBOARD_VIEW_TYPE = 'mla.dashboard';
const TITLES: Record<DashboardView, string> = {
  run: 'Run',
  compare: 'Compare Seeds',
  fusion: 'Fusion Weights',
};

/** Host ↔ webview traffic of a panel, kept for the integration tests and for diagnosing a blank panel. */
export interface PanelTraffic {
  posted: HostToWebview[];
  received: WebviewToHost[];
}

export class DashboardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly training: TrainingManager,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const restored = parseDashboardState(state);
        if (!restored) {
          panel.dispose();
          return;
        }
        await Promise.all(restored.runDirs.map((d) => this.store.refresh(d)));
        this.adopt(panel, restored);
      },
    });
  }

  open(view: DashboardView, runDirs: string[]): DashboardPanel {
    const key = keyOf(view, runDirs);
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      this.title(view, runDirs),
      vscode.ViewColumn.Active,
      this.options(),
    );
    return this.adopt(panel, { view, runDirs });
  }

  get(view: DashboardView, runDirs: string[]): DashboardPanel | undefined {
    return this.panels.get(keyOf(view, runDirs));
  }

  get all(): DashboardPanel[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    this.serializer.dispose();
    for (const p of this.panels.values()) p.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, state: DashboardState): DashboardPanel {
    panel.webview.options = this.options();
    panel.title = this.title(state.view, state.runDirs);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'mla.svg');
    panel.webview.html = dashboardHtml(panel.webview, this.extensionUri, panel.title);
    const key = keyOf(state.view, state.runDirs);
    const dashboard = new DashboardPanel(panel, state, this.store, this.training, () =>
      this.panels.delete(key),
    );
    this.panels.set(key, dashboard);
    return dashboard;
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
  }

  private title(view: DashboardView, runDirs: string[]): string {
    const first = this.store.get(runDirs[0]);
    const name = first?.name ?? path.basename(runDirs[0]);
    const seed =
      view === 'compare' ? '' : first?.seed !== null && first?.seed !== undefined ? ` s${first.seed}` : '';
    return `MLA ${TITLES[view]}: ${name}${seed}`;
  }
}

export class DashboardPanel implements vscode.Disposable {
  readonly traffic: PanelTraffic = { posted: [], received: [] };
  /** Highest epoch the webview reported as drawn, per run. */
  readonly rendered = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private readonly allowed: ReadonlySet<string>;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly state: DashboardState,
    private readonly store: RunStore,
    private readonly training: TrainingManager,
    onDispose: () => void,
  ) {
    this.allowed = new Set(state.runDirs);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      store.onDidChange((dirs) => {
        if (this.ready) for (const d of dirs) if (this.allowed.has(d)) this.pushUpdate(d);
      }),
      panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private post(message: HostToWebview): void {
    this.traffic.posted.push(message);
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw, this.allowed);
    if (!message) return;
    this.traffic.received.push(message);
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendInit();
        return;
      case 'rendered':
        this.rendered.set(message.runDir, Math.max(this.rendered.get(message.runDir) ?? 0, message.epoch));
        return;
      case 'stop': {
        const outcome = this.training.stop(message.runDir);
        if (outcome === 'not-running')
          this.post({ type: 'notice', level: 'info', message: 'The run is not running.' });
        return;
      }
      case 'resume': {
        const result = await this.training.resume(message.runDir);
        if (!result.started)
          this.post({ type: 'notice', level: 'error', message: `Cannot resume: ${result.reason}` });
        return;
      }
      case 'requestFusion':
        this.sendFusion(message.runDir);
        return;
    }
  }

  private sendInit(): void {
    const runs = this.state.runDirs.map((d) => this.store.get(d)).filter((r) => r !== undefined);
    const records: Record<string, EpochRecord[]> = {};
    for (const run of runs) {
      records[run.dir] = run.epochs;
      this.sent.set(run.dir, run.epochs.length);
    }
    this.post({ type: 'init', view: this.state.view, runs: runs.map((r) => toRunView(r)), records });
    if (this.state.view === 'fusion') for (const run of runs) this.sendFusion(run.dir);
  }

  private pushUpdate(runDir: string): void {
    const run = this.store.get(runDir);
    if (!run) return;
    const sent = this.sent.get(runDir) ?? 0;
    // A resumed run may rewrite metrics.jsonl shorter than what was shown: start that run over.
    const reset = run.epochs.length < sent;
    const newRecords = reset ? run.epochs : run.epochs.slice(sent);
    this.sent.set(runDir, run.epochs.length);
    this.post({ type: 'runUpdate', run: toRunView(run), newRecords, reset });
  }

  private sendFusion(runDir: string): void {
    const file = path.join(runDir, RUN_FILES.fusion);
    let records: FusionRecord[] = [];
    try {
      records = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as FusionRecord);
    } catch {
      this.post({
        type: 'notice',
        level: 'info',
        message: 'No fusion records yet: they are written when an epoch improves the validation score.',
      });
      return;
    }
    const epoch =
      this.store.get(runDir)?.summary?.fusion.epoch ??
      this.store.get(runDir)?.epochs.find((e) => e.best)?.epoch ??
      0;
    this.post({ type: 'fusionRecords', runDir, epoch, records });
  }
}

function keyOf(view: DashboardView, runDirs: string[]): string {
  return `${view}:${[...runDirs].sort().join('|')}`;
}
