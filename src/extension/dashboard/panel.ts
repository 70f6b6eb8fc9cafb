// Dashboard panels: one webview per (view, runs). The panel owns the webview and its transport, validates
// every message the webview sends before acting on it, handles what all views share (ready, rendered,
// stop, resume, exports) and hands the rest to its view's controller (live run, comparison, fusion).

import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  parseDashboardState,
  parseWebviewMessage,
  type DashboardState,
  type DashboardView,
  type WebviewToHost,
} from '../../protocol/dashboard';
import type { RunStore } from '../runStore';
import { toRunView } from '../runView';
import { TrainingManager } from '../trainingManager';
import { exportPng, exportText, saveDialogPicker, type SaveTargetPicker } from './exports';
import { dashboardHtml } from './html';
import { openStep, panelKey, previewStep, restoredRole, tabTitle, type TabsNow } from './previewTab';
import { PanelTransport, type PanelTraffic } from './transport';
import { CompareController } from './views/compareController';
import { ConfigController } from './views/configController';
import type { ViewContext, ViewController } from './views/controller';
import { FusionController } from './views/fusionController';
import { LiveController } from './views/liveController';

export type { PanelTraffic } from './transport';

export const DASHBOARD_VIEW_TYPE = 'mla.dashboard';
const TITLES: Record<DashboardView, string> = {
  run: 'Run',
  compare: 'Compare Seeds',
  fusion: 'Fusion Weights',
  config: 'Config',
};

export class DashboardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  /**
   * The run explorer's preview tab (VS Code's preview-editor habit): one panel that a single click on
   * another run reuses; opening its run for good pins it, and the next preview takes a new tab.
   */
  private previewPanel: DashboardPanel | undefined;
  private readonly serializer: vscode.Disposable;
  /** Where exports are saved: the save dialog; tests replace it. */
  pickSaveTarget: SaveTargetPicker = saveDialogPicker;

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
        const preview = restoredRole(restored, this.tabs()) === 'preview';
        const dashboard = this.adopt(panel, restored, preview);
        if (preview) this.previewPanel = dashboard;
      },
    });
  }

  open(view: DashboardView, runDirs: string[]): DashboardPanel {
    const key = panelKey(view, runDirs);
    const step = openStep(key, this.tabs());
    const existing = this.panels.get(key);
    if (step === 'show-pinned' && existing) {
      existing.reveal();
      return existing;
    }
    const preview = this.previewPanel;
    if (step === 'pin-preview' && preview) {
      // The preview shows what is asked for: it becomes a tab of its own.
      this.previewPanel = undefined;
      this.panels.set(key, preview);
      preview.setPreview(false, this.title(view, runDirs));
      preview.reveal();
      return preview;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      this.title(view, runDirs),
      vscode.ViewColumn.Active,
      this.options(),
    );
    return this.adopt(panel, { view, runDirs });
  }

  /**
   * Shows a run in the preview tab without taking the focus from the run explorer: its own tab when it has
   * one, else the preview tab (made, or turned to this run).
   */
  preview(runDir: string): DashboardPanel {
    const state: DashboardState = { view: 'run', runDirs: [runDir] };
    const key = panelKey(state.view, state.runDirs);
    const step = previewStep(key, this.tabs());
    const pinned = this.panels.get(key);
    const current = this.previewPanel;
    if (step === 'show-pinned' && pinned) {
      pinned.reveal(true);
      return pinned;
    }
    if (step === 'show-preview' && current) {
      current.reveal(true);
      return current;
    }
    let panel: vscode.WebviewPanel;
    if (step === 'reuse-preview' && current) {
      // The same tab, another run: the old controller goes, the webview reloads for the new run.
      current.detach();
      panel = current.panel;
      panel.reveal(undefined, true);
    } else {
      panel = vscode.window.createWebviewPanel(
        DASHBOARD_VIEW_TYPE,
        tabTitle(this.title(state.view, state.runDirs), true),
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
        this.options(),
      );
    }
    this.previewPanel = this.adopt(panel, state, true);
    return this.previewPanel;
  }

  /** The preview tab, while there is one. */
  get previewTab(): DashboardPanel | undefined {
    return this.previewPanel;
  }

  get(view: DashboardView, runDirs: string[]): DashboardPanel | undefined {
    const key = panelKey(view, runDirs);
    const preview = this.previewPanel;
    if (preview && preview.key === key) return preview;
    return this.panels.get(key);
  }

  get all(): DashboardPanel[] {
    return [...this.panels.values(), ...(this.previewPanel ? [this.previewPanel] : [])];
  }

  dispose(): void {
    this.serializer.dispose();
    for (const p of this.all) p.dispose();
  }

  /** The open tabs, as the preview decisions (previewTab.ts) read them. */
  private tabs(): TabsNow {
    return { pinned: new Set(this.panels.keys()), preview: this.previewPanel?.key ?? null };
  }

  private adopt(panel: vscode.WebviewPanel, saved: DashboardState, preview = false): DashboardPanel {
    const state: DashboardState = { view: saved.view, runDirs: saved.runDirs };
    panel.webview.options = this.options();
    const title = this.title(state.view, state.runDirs);
    panel.title = tabTitle(title, preview);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'mla.svg');
    panel.webview.html = dashboardHtml(panel.webview, this.extensionUri, title);
    const key = panelKey(state.view, state.runDirs);
    const dashboard = new DashboardPanel(panel, state, preview, {
      store: this.store,
      training: this.training,
      trainerScript: vscode.Uri.joinPath(this.extensionUri, 'dist', 'trainer.js').fsPath,
      pickSaveTarget: (name, filters) => this.pickSaveTarget(name, filters),
      onDispose: () => {
        if (this.previewPanel === dashboard) this.previewPanel = undefined;
        if (this.panels.get(key) === dashboard) this.panels.delete(key);
      },
    });
    if (!preview) this.panels.set(key, dashboard);
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

interface PanelDeps {
  store: RunStore;
  training: TrainingManager;
  trainerScript: string;
  pickSaveTarget: SaveTargetPicker;
  onDispose: () => void;
}

const CONTROLLERS: Record<DashboardView, (context: ViewContext) => ViewController> = {
  run: (context) => new LiveController(context),
  compare: (context) => new CompareController(context),
  fusion: (context) => new FusionController(context),
  config: (context) => new ConfigController(context),
};

export class DashboardPanel implements vscode.Disposable {
  /** Highest epoch the webview reported as drawn, per run. */
  readonly rendered = new Map<string, number>();
  private readonly transport: PanelTransport;
  private readonly controller: ViewController;
  private readonly allowed: ReadonlySet<string>;
  private readonly disposables: vscode.Disposable[] = [];
  /** One tab per view and set of runs (previewTab.ts). */
  readonly key: string;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly state: DashboardState,
    private preview: boolean,
    private readonly deps: PanelDeps,
  ) {
    this.key = panelKey(state.view, state.runDirs);
    this.allowed = new Set(state.runDirs);
    this.transport = new PanelTransport(panel.webview);
    this.controller = CONTROLLERS[state.view]({
      transport: this.transport,
      store: deps.store,
      runDirs: state.runDirs,
      trainerScript: deps.trainerScript,
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)),
      deps.store.onDidChange((dirs) => {
        if (this.transport.ready) this.controller.onStoreChange(dirs);
      }),
      // Without retainContextWhenHidden a hidden webview is torn down; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.transport.ready = false;
      }),
      panel.onDidDispose(() => {
        deps.onDispose();
        this.dispose();
      }),
    );
  }

  /** Host ↔ webview traffic, kept for the integration tests and for diagnosing a blank panel. */
  get traffic(): PanelTraffic {
    return this.transport.traffic;
  }

  /** `preserveFocus`: shows the tab and leaves the keyboard focus where it is (the run explorer). */
  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Whether this is the run explorer's preview tab. */
  get isPreview(): boolean {
    return this.preview;
  }

  /**
   * Turns the preview tab into a tab of its own (or back): its title, and the webview's saved state, which
   * a window reload restores the tab from. A webview not listening now hears it in its next `init`.
   */
  setPreview(preview: boolean, title: string): void {
    this.preview = preview;
    this.panel.title = tabTitle(title, preview);
    this.transport.post({ type: 'tabRole', preview });
  }

  /** Lets go of the webview panel, which stays open for another run (the preview tab). */
  detach(): void {
    this.controller.dispose();
    for (const d of this.disposables) d.dispose();
  }

  dispose(): void {
    this.detach();
  }

  /**
   * Handles a message as if the webview had sent it (validation included): the webview's messages arrive
   * here, and integration tests drive the host through it.
   */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw, this.allowed);
    if (!message) {
      this.transport.traffic.rejected++;
      return;
    }
    this.transport.received(message);
    try {
      if (!(await this.controller.handle(message))) await this.act(message);
    } catch (error) {
      this.transport.notice('error', (error as Error).message);
    }
  }

  /** What every view answers the same way. */
  private async act(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.transport.ready = true;
        this.sendInit();
        return;
      case 'rendered':
        this.rendered.set(message.runDir, Math.max(this.rendered.get(message.runDir) ?? 0, message.epoch));
        return;
      case 'stop': {
        const outcome = this.deps.training.stop(message.runDir);
        if (outcome === 'not-running') this.transport.notice('info', 'The run is not running.');
        if (outcome === 'restricted') this.transport.notice('error', TrainingManager.stopRestricted);
        return;
      }
      case 'resume': {
        const result = await this.deps.training.resume(message.runDir);
        if (!result.started) this.transport.notice('error', `Cannot resume: ${result.reason}`);
        return;
      }
      case 'exportText': {
        const { format, action, fileName, content } = message;
        const done = await exportText(this.deps.pickSaveTarget, format, action, fileName, content);
        if (done) this.transport.notice('info', done);
        return;
      }
      case 'exportPng': {
        const done = await exportPng(this.deps.pickSaveTarget, message.fileName, message.dataUrl);
        if (done) this.transport.notice('info', done);
        return;
      }
      default:
        // A view's own message sent to another view (a requestSeries to the comparison): nothing to do.
        return;
    }
  }

  private sendInit(): void {
    const runs = this.state.runDirs.map((d) => this.deps.store.get(d)).filter((r) => r !== undefined);
    this.transport.post({
      type: 'init',
      view: this.state.view,
      runs: runs.map((r) => toRunView(r)),
      preview: this.preview,
    });
    this.controller.sendAll();
  }
}
