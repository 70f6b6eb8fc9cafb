// The window's picture of every run folder it can see: the configured runs folders of the workspace and any
// `.mla/runs` below it (where `mla train` puts runs started in a terminal). File-system events keep it
// fresh; a one-second poll of running runs catches what watchers miss (remote file systems, a killed
// trainer that can no longer write).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILES } from '../core/runs/paths';
import { MetricsFollower } from '../core/runs/metrics-follower';
import { listRunDirs, readRunWith, type RunInfo } from '../core/runs/reader';
import { allRunsDirs } from './settings';

const RUN_FILE_GLOB = '*/{status.json,metrics.jsonl,summary.json,config.json}';
const POLL_MS = 1000;
/** How often the runs folders are listed for new run folders, in case no file event announced them. */
const DISCOVER_EVERY_POLLS = 3;
const DEBOUNCE_MS = 150;
/**
 * The most of one run's metrics.jsonl a poll parses: a 100,000-epoch history (about 77 MiB) is caught up
 * over some seconds of polls instead of blocking the extension host for all of it at once.
 */
const FOLLOW_BYTES_PER_POLL = 4 * 1024 * 1024;

export class RunStore implements vscode.Disposable {
  private readonly runs = new Map<string, RunInfo>();
  private readonly changed = new vscode.EventEmitter<string[]>();
  /** Fires with the run folders whose contents changed (or appeared, or vanished). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.FileSystemWatcher[] = [];
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly poller: NodeJS.Timeout;
  private polls = 0;
  /** status.json's modification time when each run was last read: a change means the run moved on. */
  private readonly statusStamps = new Map<string, number>();
  /** metrics.jsonl of each running run, followed by offset: the 1 s poll parses only the appended lines. */
  private readonly followers = new Map<string, MetricsFollower>();

  constructor(
    private readonly followMetrics = (file: string) =>
      new MetricsFollower(file, { pollBytes: FOLLOW_BYTES_PER_POLL }),
  ) {
    this.watch();
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        void this.rescan();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mla.runsDirectory')) {
          this.watch();
          void this.rescan();
        }
      }),
    );
    this.poller = setInterval(() => this.pollRunning(), POLL_MS);
  }

  get all(): RunInfo[] {
    return [...this.runs.values()];
  }

  get(runDir: string): RunInfo | undefined {
    return this.runs.get(runDir);
  }

  /** Reads every run folder again (startup, "Refresh"). */
  async rescan(): Promise<void> {
    const dirs = new Set<string>();
    for (const runsDir of allRunsDirs()) for (const dir of await listRunDirs(runsDir)) dirs.add(dir);
    const found = await vscode.workspace.findFiles('**/.mla/runs/*/config.json', '**/node_modules/**');
    for (const uri of found) dirs.add(path.dirname(uri.fsPath));
    const before = new Set(this.runs.keys());
    const infos = await Promise.all([...dirs].map((d) => this.load(d)));
    this.runs.clear();
    for (const info of infos) if (info.config || info.status) this.runs.set(info.dir, info);
    for (const dir of this.followers.keys()) if (!this.runs.has(dir)) this.followers.delete(dir);
    this.changed.fire([...new Set([...before, ...this.runs.keys()])]);
  }

  /** Re-reads one run now (after a command changed it, or when a test wants certainty). */
  async refresh(runDir: string): Promise<RunInfo | undefined> {
    const info = await this.load(runDir);
    if (info.config || info.status) this.runs.set(runDir, info);
    else this.runs.delete(runDir);
    this.changed.fire([runDir]);
    return this.runs.get(runDir);
  }

  forget(runDir: string): void {
    this.statusStamps.delete(runDir);
    this.followers.delete(runDir);
    if (this.runs.delete(runDir)) this.changed.fire([runDir]);
  }

  dispose(): void {
    clearInterval(this.poller);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const w of this.watchers) w.dispose();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    const patterns: vscode.GlobPattern[] = [`**/.mla/runs/${RUN_FILE_GLOB}`];
    for (const dir of allRunsDirs())
      patterns.push(new vscode.RelativePattern(vscode.Uri.file(dir), RUN_FILE_GLOB));
    this.watchers = patterns.map((p) => {
      const w = vscode.workspace.createFileSystemWatcher(p);
      const touch = (uri: vscode.Uri) => this.markDirty(path.dirname(uri.fsPath));
      w.onDidCreate(touch);
      w.onDidChange(touch);
      w.onDidDelete(touch);
      return w;
    });
  }

  private markDirty(runDir: string): void {
    this.dirty.add(runDir);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const dirs = [...this.dirty];
    this.dirty.clear();
    const infos = await Promise.all(dirs.map((dir) => this.load(dir)));
    // Stored and announced together: a reader never sees a run changed before its change event.
    infos.forEach((info, i) => {
      if (info.config || info.status) this.runs.set(dirs[i]!, info);
      else this.runs.delete(dirs[i]!);
    });
    if (dirs.length > 0) this.changed.fire(dirs);
  }

  private pollRunning(): void {
    for (const run of this.runs.values()) {
      if (run.status?.state === 'running') this.markDirty(run.dir);
    }
    if (++this.polls % DISCOVER_EVERY_POLLS === 0) void this.discover();
  }

  private async load(runDir: string): Promise<RunInfo> {
    // The stamp is taken before reading, so a change during the read is seen on the next round.
    this.statusStamps.set(runDir, await statusStamp(runDir));
    return readRunWith(runDir, {
      metrics: (status) => this.followedMetrics(runDir, status),
      // In Restricted Mode the run folder is only read: a vanished trainer's run shows as stale.
      markVanished: vscode.workspace.isTrusted,
    });
  }

  /** A running run's metrics from its follower; null (a whole-file read) once it has ended. */
  private followedMetrics(runDir: string, status: RunInfo['status']) {
    if (status?.state !== 'running') {
      this.followers.delete(runDir);
      return null;
    }
    let follower = this.followers.get(runDir);
    if (!follower) {
      follower = this.followMetrics(path.join(runDir, RUN_FILES.metrics));
      this.followers.set(runDir, follower);
    }
    return follower.read();
  }

  /**
   * File watchers can miss a folder created under a folder that did not exist yet (the first run of a
   * workspace): listing the runs folders every few seconds finds such runs anyway. It only reads names.
   */
  private async discover(): Promise<void> {
    // A known run whose status changed without an event (a resumed or terminal-started trainer).
    for (const dir of this.runs.keys()) {
      if ((await statusStamp(dir)) !== this.statusStamps.get(dir)) this.markDirty(dir);
    }
    for (const runsDir of allRunsDirs()) {
      for (const dir of await listRunDirs(runsDir)) if (!this.runs.has(dir)) this.markDirty(dir);
    }
  }
}

async function statusStamp(runDir: string): Promise<number> {
  try {
    return (await fs.promises.stat(path.join(runDir, RUN_FILES.status))).mtimeMs;
  } catch {
    return 0;
  }
}
