// Dashboard panels: one webview per (view, runs). The live view tails metrics.jsonl itself (by offset, a
// few times a second while the run is running) and sends chart frames cut to what the webview shows; the
// comparison and the fusion inspector are fed from the run store and the run folders. Every message the
// webview sends is validated before the host acts on it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { listCheckpoints } from '../../core/runs/checkpoint';
import { classNamesOf } from '../../core/runs/class-names';
import { readFusionFile } from '../../core/runs/fusion-file';
import { RUN_FILES } from '../../core/runs/paths';
import {
  parseDashboardState,
  parseWebviewMessage,
  type DashboardState,
  type DashboardView,
  type HostToWebview,
  type WebviewToHost,
} from '../../protocol/dashboard';
import { resolveNodeRuntime } from '../nodeRuntime';
import type { RunStore } from '../runStore';
import { toRunView } from '../runView';
import { readSettings } from '../settings';
import type { TrainingManager } from '../trainingManager';
import { compareGroups } from './compareData';
import { CheckpointEval, EvalCancelled } from './evalRunner';
import { exportPng, exportText, saveDialogPicker, type SaveTargetPicker } from './exports';
import { dashboardHtml } from './html';
import { LiveRunFeed } from '../../core/series/liveRunFeed';

export const DASHBOARD_VIEW_TYPE = 'mla.dashboard';
const TITLES: Record<DashboardView, string> = {
  run: 'Run',
  compare: 'Compare Seeds',
  fusion: 'Fusion Weights',
};
/** The live view re-reads metrics.jsonl this often while a run is running: an epoch shows within a second. */
const LIVE_POLL_MS = 400;
const COMPARE_DEBOUNCE_MS = 300;
/** Messages kept in the traffic log (tests, diagnosis); older ones are dropped so memory stays bounded. */
const TRAFFIC_LIMIT = 400;

/** Host ↔ webview traffic of a panel, kept for the integration tests and for diagnosing a blank panel. */
export interface PanelTraffic {
  posted: HostToWebview[];
  received: WebviewToHost[];
  /** Messages from the webview that failed validation (ignored). */
  rejected: number;
}

export class DashboardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
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
    const dashboard = new DashboardPanel(panel, state, {
      store: this.store,
      training: this.training,
      trainerScript: vscode.Uri.joinPath(this.extensionUri, 'dist', 'trainer.js').fsPath,
      pickSaveTarget: (name, filters) => this.pickSaveTarget(name, filters),
      onDispose: () => this.panels.delete(key),
    });
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

interface PanelDeps {
  store: RunStore;
  training: TrainingManager;
  trainerScript: string;
  pickSaveTarget: SaveTargetPicker;
  onDispose: () => void;
}

export class DashboardPanel implements vscode.Disposable {
  readonly traffic: PanelTraffic = { posted: [], received: [], rejected: 0 };
  /** Highest epoch the webview reported as drawn, per run. */
  readonly rendered = new Map<string, number>();
  private readonly allowed: ReadonlySet<string>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly feeds = new Map<string, LiveRunFeed>();
  private readonly evals = new Map<string, CheckpointEval>();
  private ready = false;
  private poller: NodeJS.Timeout | undefined;
  private compareTimer: NodeJS.Timeout | undefined;
  private compareSignature = '';

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly state: DashboardState,
    private readonly deps: PanelDeps,
  ) {
    this.allowed = new Set(state.runDirs);
    if (state.view === 'run') for (const dir of state.runDirs) this.feeds.set(dir, new LiveRunFeed(dir));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)),
      deps.store.onDidChange((dirs) => this.onStoreChange(dirs)),
      // Without retainContextWhenHidden a hidden webview is torn down; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        deps.onDispose();
        this.dispose();
      }),
    );
    if (state.view === 'run') this.poller = setInterval(() => this.pollLive(), LIVE_POLL_MS);
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.poller) clearInterval(this.poller);
    if (this.compareTimer) clearTimeout(this.compareTimer);
    for (const e of this.evals.values()) e.cancel();
    for (const d of this.disposables) d.dispose();
  }

  /**
   * Handles a message as if the webview had sent it (validation included): the webview's messages arrive
   * here, and integration tests drive the host through it.
   */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw, this.allowed);
    if (!message) {
      this.traffic.rejected++;
      return;
    }
    remember(this.traffic.received, message);
    try {
      await this.act(message);
    } catch (error) {
      this.post({ type: 'notice', level: 'error', message: (error as Error).message });
    }
  }

  private async act(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendInit();
        return;
      case 'rendered':
        this.rendered.set(message.runDir, Math.max(this.rendered.get(message.runDir) ?? 0, message.epoch));
        return;
      case 'stop': {
        const outcome = this.deps.training.stop(message.runDir);
        if (outcome === 'not-running')
          this.post({ type: 'notice', level: 'info', message: 'The run is not running.' });
        return;
      }
      case 'resume': {
        const result = await this.deps.training.resume(message.runDir);
        if (!result.started)
          this.post({ type: 'notice', level: 'error', message: `Cannot resume: ${result.reason}` });
        return;
      }
      case 'requestSeries': {
        const feed = this.feedOf(message.runDir);
        feed.poll();
        this.post({ type: 'series', frame: feed.frameFor(message) });
        return;
      }
      case 'requestFusion':
        this.sendFusion(message.runDir);
        return;
      case 'evalCheckpoint':
        await this.evaluate(message.runDir, message.epoch);
        return;
      case 'cancelEval':
        this.evals.get(message.runDir)?.cancel();
        return;
      case 'exportText': {
        const { format, action, fileName, content } = message;
        const done = await exportText(this.deps.pickSaveTarget, format, action, fileName, content);
        if (done) this.post({ type: 'notice', level: 'info', message: done });
        return;
      }
      case 'exportPng': {
        const done = await exportPng(this.deps.pickSaveTarget, message.fileName, message.dataUrl);
        if (done) this.post({ type: 'notice', level: 'info', message: done });
        return;
      }
    }
  }

  /** Messages to a webview that is not (or no longer) listening are dropped: `ready` resends everything. */
  private post(message: HostToWebview): void {
    if (!this.ready) return;
    remember(this.traffic.posted, message);
    void this.panel.webview.postMessage(message);
  }

  private runs() {
    return this.state.runDirs.map((d) => this.deps.store.get(d)).filter((r) => r !== undefined);
  }

  private sendInit(): void {
    const runs = this.runs();
    this.post({ type: 'init', view: this.state.view, runs: runs.map((r) => toRunView(r)) });
    if (this.state.view === 'run') {
      for (const run of runs) {
        this.feedOf(run.dir).poll();
        this.sendRunUpdate(run.dir);
      }
    } else if (this.state.view === 'compare') {
      this.compareSignature = '';
      this.sendCompare();
    } else {
      for (const run of runs) this.sendFusion(run.dir);
    }
  }

  private onStoreChange(dirs: string[]): void {
    if (!this.ready) return;
    if (this.state.view === 'compare') {
      if (!this.compareTimer)
        this.compareTimer = setTimeout(() => {
          this.compareTimer = undefined;
          this.sendCompare();
        }, COMPARE_DEBOUNCE_MS);
      return;
    }
    for (const dir of dirs) {
      if (!this.allowed.has(dir)) continue;
      if (this.state.view === 'run') {
        this.pollFeed(dir);
        this.sendRunUpdate(dir);
      }
    }
  }

  private feedOf(runDir: string): LiveRunFeed {
    let feed = this.feeds.get(runDir);
    if (!feed) {
      feed = new LiveRunFeed(runDir);
      this.feeds.set(runDir, feed);
    }
    return feed;
  }

  /** While a run is running, reads its new epochs without waiting for the run store's debounced re-read. */
  private pollLive(): void {
    if (!this.ready) return;
    for (const dir of this.state.runDirs) {
      const state = this.deps.store.get(dir)?.status?.state;
      if (state === 'running' && this.pollFeed(dir)) this.sendRunUpdate(dir);
    }
  }

  private pollFeed(runDir: string): boolean {
    const feed = this.feedOf(runDir);
    if (!feed.poll()) return false;
    const frame = feed.update();
    if (frame) this.post({ type: 'series', frame });
    return true;
  }

  private sendRunUpdate(runDir: string): void {
    const run = this.deps.store.get(runDir);
    if (!run) return;
    const feed = this.feedOf(runDir);
    const view = toRunView(run);
    const latest = feed.latest ?? run.lastEpoch;
    // The header's epoch follows the freshest source (the tail can be ahead of the store's re-read).
    if (latest && latest.epoch > view.epoch) view.epoch = latest.epoch;
    const eta = view.state === 'running' ? feed.etaSeconds(view.epochs) : null;
    this.post({ type: 'runUpdate', run: view, latest, etaSeconds: eta });
  }

  private sendCompare(): void {
    const primary = this.runs();
    const groups = compareGroups(primary, this.deps.store.all);
    const signature = groups
      .flatMap((g) =>
        g.runs.map((r) => `${r.run.runDir}:${r.records.length}:${r.run.state}:${r.run.summary ? 1 : 0}`),
      )
      .join('|');
    if (signature === this.compareSignature) return;
    this.compareSignature = signature;
    this.post({ type: 'compareData', groups });
  }

  private sendFusion(runDir: string): void {
    const run = this.deps.store.get(runDir);
    const file = path.join(runDir, RUN_FILES.fusion);
    let records;
    try {
      records = readFusionFile(file).records;
    } catch {
      this.post({
        type: 'notice',
        level: 'info',
        message: `No fusion records yet (${file}): they are written when an epoch improves the validation score.`,
      });
      return;
    }
    const epoch = run?.summary?.fusion.epoch ?? run?.epochs.filter((e) => e.best).at(-1)?.epoch ?? 0;
    this.post({
      type: 'fusionRecords',
      source: this.fusionSource(runDir, epoch, 'fusion.jsonl', records[0]?.fused.length ?? 0, null),
      records,
    });
  }

  private fusionSource(
    runDir: string,
    epoch: number,
    origin: 'fusion.jsonl' | 'eval',
    classCount: number,
    scores: Extract<HostToWebview, { type: 'fusionRecords' }>['source']['scores'],
  ): Extract<HostToWebview, { type: 'fusionRecords' }>['source'] {
    const run = this.deps.store.get(runDir);
    const view = run ? toRunView(run) : null;
    const fusionType = run?.summary?.fusion.type ?? view?.fusionType ?? 'entropy';
    return {
      runDir,
      epoch,
      origin,
      fusionType,
      perSample: run?.summary?.fusion.perSample ?? fusionType === 'entropy',
      classes: classNamesOf(run?.resolved ?? null, classCount),
      checkpoints: listCheckpoints(runDir).map((c) => c.epoch),
      scores,
    };
  }

  private async evaluate(runDir: string, epoch: number): Promise<void> {
    if (!listCheckpoints(runDir).some((c) => c.epoch === epoch)) {
      this.post({ type: 'notice', level: 'error', message: `Epoch ${epoch} has no kept checkpoint.` });
      return;
    }
    this.evals.get(runDir)?.cancel();
    const progress = (state: 'running' | 'done' | 'failed' | 'cancelled', message: string) =>
      this.post({ type: 'evalProgress', runDir, epoch, state, message });
    let runtime;
    try {
      runtime = await resolveNodeRuntime(readSettings().nodePath);
    } catch (error) {
      progress('failed', (error as Error).message);
      return;
    }
    progress('running', `Evaluating the checkpoint of epoch ${epoch}…`);
    const job = new CheckpointEval(runtime, this.deps.trainerScript, runDir, epoch);
    this.evals.set(runDir, job);
    const started = Date.now();
    const ticker = setInterval(
      () =>
        progress(
          'running',
          `Evaluating the checkpoint of epoch ${epoch}… ${Math.round((Date.now() - started) / 1000)} s`,
        ),
      1000,
    );
    try {
      const result = await job.result;
      progress('done', `Epoch ${epoch} evaluated in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      this.post({
        type: 'fusionRecords',
        source: this.fusionSource(runDir, result.epoch, 'eval', result.records[0]?.fused.length ?? 0, {
          val: result.val,
          test: result.test,
          partial: result.partial,
        }),
        records: result.records,
      });
    } catch (error) {
      if (error instanceof EvalCancelled) progress('cancelled', 'Evaluation cancelled.');
      else progress('failed', (error as Error).message);
    } finally {
      clearInterval(ticker);
      if (this.evals.get(runDir) === job) this.evals.delete(runDir);
    }
  }
}

function remember<T>(log: T[], message: T): void {
  log.push(message);
  if (log.length > TRAFFIC_LIMIT) log.splice(0, log.length - TRAFFIC_LIMIT);
}

function keyOf(view: DashboardView, runDirs: string[]): string {
  return `${view}:${[...runDirs].sort().join('|')}`;
}
