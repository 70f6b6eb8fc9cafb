// Starts, queues and stops trainer processes. One "MLA: Train" = one seed group: a process per seed, at most
// `mla.maxParallelRuns` at once across all groups, the rest queued. A notification with Cancel follows each
// group; the status bar counts what runs and waits.

import { threadsPerRun } from '../core/backend/threads';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice, Diagnostic } from '../core/config/types';
import { validateConfig } from '../core/config/validate';
import { livenessOf } from '../core/runs/liveness';
import { readRun, readStatus, type RunInfo } from '../core/runs/reader';
import type { RunStatus } from '../core/runs/types';
import { FOCUS_RUNS_VIEW } from './commandIds';
import { NodeNotFoundError, resolveNodeRuntime, type NodeRuntime } from './nodeRuntime';
import { readSettings, runsDirFor } from './settings';
import { TrainerProcess, type TrainerLaunch } from './trainerProcess';
import { isActive, runLabel } from './runView';
import { announceSeedGroup } from './seedGroupNotice';

interface Pending {
  launch: TrainerLaunch;
  batch: Batch;
}

interface Batch {
  title: string;
  total: number;
  finished: number;
  cancelled: boolean;
  processes: Set<TrainerProcess>;
  /** The run folders of the batch's ended processes, for the summary when the last one ends. */
  runDirs: string[];
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
  done: () => void;
}

export interface TrainResult {
  started: boolean;
  /** Why nothing started (invalid config, Restricted Mode, no Node.js). */
  reason?: string;
}

/** What the status bar needs of the run store. */
export interface RunSource {
  readonly all: readonly RunInfo[];
  onDidChange(listener: () => unknown): vscode.Disposable;
}

export class TrainingManager implements vscode.Disposable {
  private readonly pending: Pending[] = [];
  private readonly running = new Set<TrainerProcess>();
  /** Stop requests for runs this window did not start (a terminal run, or one from before a reload). */
  private readonly externalStops = new Map<string, number>();
  /** Changed-run warnings the user chose to train with, by config file and warning text. */
  private readonly confirmedWarnings = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly statusItem: vscode.StatusBarItem;
  /** The workspace's run folders: the status bar counts their running runs, not only this window's processes. */
  private runs: RunSource | null = null;
  private runsSubscription: vscode.Disposable | undefined;

  constructor(
    private readonly trainerScript: string,
    private readonly output: vscode.OutputChannel,
    private readonly publishProblems: (uri: vscode.Uri, diagnostics: Diagnostic[]) => void,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('mla.training', vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = 'MLA Studio training';
    this.statusItem.command = FOCUS_RUNS_VIEW;
  }

  /** Counts the runs the store sees running (a terminal run, one that outlived a reload) in the status bar. */
  countRunsOf(source: RunSource): void {
    this.runsSubscription?.dispose();
    this.runs = source;
    this.runsSubscription = source.onDidChange(() => this.refreshStatus());
    this.refreshStatus();
  }

  get activeProcesses(): readonly TrainerProcess[] {
    return [...this.running];
  }

  get queuedCount(): number {
    return this.pending.length;
  }

  /** Validates the config with the one validator, then queues one process per seed (or per given seed). */
  async train(configUri: vscode.Uri, onlySeeds?: number[]): Promise<TrainResult> {
    if (!vscode.workspace.isTrusted) {
      const reason =
        'Training is disabled in Restricted Mode: it runs a trainer process. Trust the workspace to train.';
      void vscode.window.showWarningMessage(reason, 'Manage Workspace Trust').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return { started: false, reason };
    }
    const document = await vscode.workspace.openTextDocument(configUri);
    const file = configUri.fsPath;
    const result = await validateConfig(document.getText(), file);
    this.publishProblems(configUri, result.diagnostics);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (!result.config || errors.length > 0) {
      const first = errors[0];
      const where = first ? `line ${first.range.start.line + 1}: ${first.message}` : 'the config is invalid';
      const reason = `${path.basename(file)} has ${errors.length} error${errors.length === 1 ? '' : 's'} (${where}). Fix ${errors.length === 1 ? 'it' : 'them'} to train.`;
      void vscode.commands.executeCommand('workbench.actions.view.problems');
      void vscode.window.showErrorMessage(reason);
      return { started: false, reason };
    }
    if (!(await this.acceptChangedRun(file, result.diagnostics))) {
      return { started: false, reason: 'not confirmed: the run would differ from what the config says' };
    }
    const runtime = await this.runtime();
    if (!runtime) return { started: false, reason: 'no Node.js runtime for the trainer' };
    const runsDir = runsDirFor(configUri);
    if (!runsDir) return { started: false, reason: 'open a folder to train in' };
    const backend = this.backendFor(document.getText());
    const group = new Date().toISOString();
    const config = result.config;
    const launches: TrainerLaunch[] = (onlySeeds ?? config.seeds).map((seed) => ({
      kind: 'train',
      configPath: file,
      seed,
      runsDir,
      group,
      backend,
    }));
    this.startBatch(
      `Training ${config.name} (${launches.length} seed${launches.length === 1 ? '' : 's'})`,
      launches,
      runtime,
    );
    return { started: true };
  }

  /**
   * Warnings whose run would differ from the text (an ignored block, a modality never trained) are asked about
   * once, with their text; the answer holds for the same warnings of the same config until the window reloads.
   */
  private async acceptChangedRun(file: string, diagnostics: Diagnostic[]): Promise<boolean> {
    const changing = diagnostics.filter((d) => d.severity === 'warning' && d.changesRun);
    if (changing.length === 0) return true;
    const key = `${file}\n${changing.map((d) => d.message).join('\n')}`;
    if (this.confirmedWarnings.has(key)) return true;
    const pick = await vscode.window.showWarningMessage(
      `${path.basename(file)}: ${changing.length === 1 ? 'this warning changes' : `${changing.length} warnings change`} what runs. Train anyway?`,
      {
        modal: true,
        detail: changing.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join('\n'),
      },
      'Train Anyway',
    );
    if (pick !== 'Train Anyway') return false;
    this.confirmedWarnings.add(key);
    return true;
  }

  async resume(runDir: string): Promise<TrainResult> {
    if (!vscode.workspace.isTrusted) {
      return { started: false, reason: 'training, and so resuming, is disabled in Restricted Mode' };
    }
    const previous = this.processFor(runDir);
    if (previous) {
      // A stopped run's trainer writes "stopped" just before it exits: give it a moment to be gone.
      const ended = await Promise.race([previous.exited.then(() => true), delay(10_000).then(() => false)]);
      if (!ended) return { started: false, reason: 'the run is still running' };
    }
    const runtime = await this.runtime();
    if (!runtime) return { started: false, reason: 'no Node.js runtime for the trainer' };
    this.startBatch(`Resuming ${path.basename(runDir)}`, [{ kind: 'resume', runDir }], runtime);
    return { started: true };
  }

  static readonly stopRestricted =
    'Stop is disabled in Restricted Mode: it signals a process. Trust the workspace to stop runs.';

  /** Stop: graceful first (checkpoint, "stopped"), kill on a second request; never in Restricted Mode. */
  stop(runDir: string): 'graceful' | 'kill' | 'not-running' | 'restricted' {
    // Signalling a pid read from a run folder of an untrusted workspace is as unsafe as starting a process.
    if (!vscode.workspace.isTrusted) return 'restricted';
    const queued = this.pending.findIndex((p) => p.launch.kind === 'resume' && p.launch.runDir === runDir);
    if (queued >= 0) {
      this.pending.splice(queued, 1);
      this.refreshStatus();
      return 'graceful';
    }
    const proc = this.processFor(runDir);
    if (proc) return proc.stop();
    const status = statusOf(runDir);
    // Only a trainer on this machine whose process is alive can be signalled.
    if (!status || livenessOf(status) !== 'alive') return 'not-running';
    const count = (this.externalStops.get(runDir) ?? 0) + 1;
    this.externalStops.set(runDir, count);
    const signal = count === 1 ? 'SIGTERM' : 'SIGKILL';
    try {
      process.kill(status.pid, signal);
    } catch {
      return 'not-running';
    }
    return signal === 'SIGTERM' ? 'graceful' : 'kill';
  }

  processFor(runDir: string): TrainerProcess | undefined {
    return [...this.running].find((p) => p.runDir === runDir);
  }

  dispose(): void {
    // Runs go on after the window closes or reloads: the run folder tells the next window how they went.
    this.pending.length = 0;
    this.runsSubscription?.dispose();
    this.statusItem.dispose();
    this.changed.dispose();
  }

  private async runtime(): Promise<NodeRuntime | null> {
    try {
      const runtime = await resolveNodeRuntime(readSettings().nodePath);
      if (runtime.source === 'editor') {
        this.output.appendLine(
          `No Node.js 20+ on PATH: running the trainer with the editor's runtime (${runtime.version}).`,
        );
      }
      return runtime;
    } catch (error) {
      const message = error instanceof NodeNotFoundError ? error.message : String(error);
      void vscode.window.showErrorMessage(message, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'mla.nodePath');
      });
      return null;
    }
  }

  /** `mla.defaultBackend` applies where the config leaves the backend to `auto`. */
  private backendFor(text: string): BackendChoice | undefined {
    const preferred = readSettings().defaultBackend;
    if (preferred === 'auto') return undefined;
    try {
      const raw = JSON.parse(text) as { backend?: unknown };
      return raw.backend === undefined || raw.backend === 'auto' ? preferred : undefined;
    } catch {
      return undefined;
    }
  }

  private startBatch(title: string, launches: TrainerLaunch[], runtime: NodeRuntime): void {
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const batch: Batch = {
      title,
      total: launches.length,
      finished: 0,
      cancelled: false,
      processes: new Set(),
      runDirs: [],
      done,
    };
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLA: ${title}`, cancellable: true },
      (progress, token) => {
        batch.progress = progress;
        token.onCancellationRequested(() => this.cancel(batch));
        progress.report({ message: launches.length > this.capacity() ? 'queued' : 'starting…' });
        return finished;
      },
    );
    for (const launch of launches) this.pending.push({ launch, batch });
    this.pump(runtime);
  }

  private capacity(): number {
    return readSettings().maxParallelRuns;
  }

  private pump(runtime: NodeRuntime): void {
    while (this.running.size < this.capacity() && this.pending.length > 0) {
      const next = this.pending.shift()!;
      this.launch(next, runtime);
    }
    this.refreshStatus();
  }

  private launch({ launch, batch }: Pending, runtime: NodeRuntime): void {
    // Runs that train at once share the cores; one run alone takes them all (its config may still say otherwise).
    const atOnce = Math.min(this.capacity(), this.running.size + 1 + this.pending.length);
    const threads = atOnce > 1 ? threadsPerRun(atOnce) : undefined;
    const proc = new TrainerProcess(launch, this.trainerScript, runtime, this.output, threads);
    this.running.add(proc);
    batch.processes.add(proc);
    proc.onEvent((event) => {
      if (event.type === 'epoch') {
        batch.progress?.report({
          message: `${proc.label}: epoch ${event.record.epoch}/${event.record.epochs}`,
        });
      } else if (event.type === 'run-ended' && event.state === 'failed' && batch.finished + 1 < batch.total) {
        // Said now only while other seeds still train: the last seed's failure is in the group's notice.
        void this.announceFailure(proc, event.error);
      }
      this.changed.fire();
    });
    this.changed.fire();
    void proc.exited.then(() => {
      this.running.delete(proc);
      batch.processes.delete(proc);
      batch.finished++;
      if (proc.runDir !== null) batch.runDirs.push(proc.runDir);
      if (batch.finished >= batch.total && !batch.cancelled)
        void announceSeedGroup(batch.runDirs, this.output).catch((error: unknown) =>
          this.output.appendLine(`could not read the seed group's runs: ${(error as Error).message}`),
        );
      batch.progress?.report({
        increment: 100 / batch.total,
        message: `${batch.finished}/${batch.total} finished`,
      });
      if (batch.finished >= batch.total || (batch.cancelled && batch.processes.size === 0)) batch.done();
      proc.dispose();
      this.pump(runtime);
      this.changed.fire();
    });
  }

  /** "MLA: diverge seed 0 failed: …", the run named by its config and seed as everywhere else. */
  private async announceFailure(proc: TrainerProcess, error: string | undefined): Promise<void> {
    const run = proc.runDir !== null ? await readRun(proc.runDir).catch(() => null) : null;
    const who = run ? runLabel(run) : proc.label;
    const pick = await vscode.window.showErrorMessage(
      `MLA: ${who} failed: ${error ?? 'see the log'}`,
      'Show Log',
    );
    if (pick) this.output.show(true);
  }

  private cancel(batch: Batch): void {
    batch.cancelled = true;
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (this.pending[i].batch === batch) this.pending.splice(i, 1);
    }
    for (const proc of batch.processes) proc.stop();
    if (batch.processes.size === 0) batch.done();
    this.refreshStatus();
  }

  private refreshStatus(): void {
    // One run is one count: a process of this window whose folder the store already reads as running is the same run.
    const live = new Set((this.runs?.all ?? []).filter(isActive).map((r) => r.dir));
    const unseen = [...this.running].filter((p) => p.runDir === null || !live.has(p.runDir)).length;
    const running = live.size + unseen;
    const queued = this.pending.length;
    if (running === 0 && queued === 0) {
      this.statusItem.hide();
      return;
    }
    this.statusItem.text = `$(sync~spin) MLA: ${running} running${queued > 0 ? ` · ${queued} queued` : ''}`;
    this.statusItem.tooltip = 'MLA Studio: running runs of the workspace. Click to show the runs.';
    this.statusItem.show();
  }
}

/** A damaged status.json reads as none: there is no process to signal that it could name. */
function statusOf(runDir: string): RunStatus | null {
  try {
    return readStatus(runDir);
  } catch {
    return null;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
