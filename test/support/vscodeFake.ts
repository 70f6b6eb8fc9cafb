// A small stand-in for the `vscode` module, for unit tests of extension code that does not need an editor:
// the training queue, trainer processes, settings, the run store. It has only what that code calls, behaves
// as VS Code documents it, and records what the code asked the editor to do (messages, progress, commands)
// in `editor` so tests can assert on it. Tests import `./vscode` first, which routes `import 'vscode'` here.

import * as fs from 'node:fs';
import * as path from 'node:path';

type Listener<T> = (value: T) => unknown;

export class Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  dispose(): void {
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  get path(): string {
    return this.fsPath.split(path.sep).join('/');
  }
  static file(fsPath: string): Uri {
    return new Uri('file', path.resolve(fsPath));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return Uri.file(path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return `file://${this.path}`;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

/** Keeps the markdown as written, as VS Code's `value` does. */
export class MarkdownString {
  constructor(
    public value = '',
    readonly supportThemeIcons = false,
  ) {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}

export class TreeItem {
  description?: string;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  id?: string;
  resourceUri?: Uri;
  command?: { command: string; title: string; arguments?: unknown[] };
  accessibilityInformation?: { label: string; role?: string };
  constructor(
    readonly label: string,
    readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class RelativePattern {
  readonly baseUri: Uri;
  constructor(
    base: Uri | string,
    readonly pattern: string,
  ) {
    this.baseUri = typeof base === 'string' ? Uri.file(base) : base;
  }
}

export type GlobPattern = string | RelativePattern;

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** A glob as VS Code reads it (`**`, `*`, `{a,b}`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function matches(pattern: GlobPattern, fsPath: string): boolean {
  if (typeof pattern === 'string')
    return globToRegExp(pattern).test(fsPath.split(path.sep).join('/').slice(1));
  const relative = path.relative(pattern.baseUri.fsPath, fsPath);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  return globToRegExp(pattern.pattern).test(relative.split(path.sep).join('/'));
}

export class FakeWatcher {
  private readonly created = new EventEmitter<Uri>();
  private readonly changed = new EventEmitter<Uri>();
  private readonly deleted = new EventEmitter<Uri>();
  readonly onDidCreate = this.created.event;
  readonly onDidChange = this.changed.event;
  readonly onDidDelete = this.deleted.event;
  disposed = false;
  constructor(readonly pattern: GlobPattern) {}
  fire(kind: 'create' | 'change' | 'delete', uri: Uri): void {
    ({ create: this.created, change: this.changed, delete: this.deleted })[kind].fire(uri);
  }
  dispose(): void {
    this.disposed = true;
  }
}

export interface FakeStatusBarItem {
  id: string;
  alignment: StatusBarAlignment;
  name?: string;
  text: string;
  tooltip?: string;
  command?: string;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface ProgressRun {
  title: string;
  reports: { message?: string; increment?: number }[];
  /** What the task returned: settles when the work the notification follows is over. */
  done: Promise<unknown>;
  /** Presses the notification's Cancel. */
  cancel(): void;
}

interface WorkspaceFolder {
  uri: Uri;
  name: string;
  index: number;
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

/** A webview: what the extension posted, and messages a test sends as the page would. */
export class FakeWebview {
  html = '';
  options: unknown = {};
  readonly cspSource = 'fake-webview:';
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  asWebviewUri(uri: Uri): Uri {
    return uri;
  }
  /** The page posts `message`. */
  send(message: unknown): void {
    this.received.fire(message);
  }
}

/** An editor tab holding a webview; `reveals` records each reveal and whether it kept the focus. */
export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  iconPath: unknown;
  visible = true;
  disposed = false;
  readonly reveals: { preserveFocus: boolean }[] = [];
  private readonly viewState = new EventEmitter<unknown>();
  private readonly disposedEvent = new EventEmitter<void>();
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposedEvent.event;
  constructor(
    readonly viewType: string,
    public title: string,
    /** Whether the tab was opened without taking the focus. */
    readonly openedPreservingFocus: boolean,
  ) {}
  reveal(_column?: ViewColumn, preserveFocus = false): void {
    this.reveals.push({ preserveFocus });
  }
  /** The person closes the tab. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposedEvent.fire();
  }
}

/** What restores a webview panel of one view type after a window reload. */
export interface WebviewPanelSerializer {
  deserializeWebviewPanel(panel: FakeWebviewPanel, state: unknown): Promise<void>;
}

/** What the code under test asked of the editor, and the knobs a test turns. */
export const editor = {
  settings: new Map<string, unknown>(),
  trusted: true,
  folders: [] as WorkspaceFolder[],
  messages: [] as { level: 'info' | 'warning' | 'error'; text: string; items?: unknown[] }[],
  /** The buttons the user presses on the next messages, in order; none left: the user dismisses it. */
  answers: [] as string[],
  commands: [] as { id: string; args: unknown[] }[],
  progress: [] as ProgressRun[],
  statusItems: [] as FakeStatusBarItem[],
  watchers: [] as FakeWatcher[],
  output: [] as string[],
  /** Every webview panel created, in order (a reused tab appears once). */
  webviewPanels: [] as FakeWebviewPanel[],
  /** The webview panel serializers registered now, by view type. */
  serializers: new Map<string, WebviewPanelSerializer>(),
  /**
   * A window reload: a tab of `viewType` comes back with the state its webview last saved (`setState`),
   * handed to the registered serializer, as VS Code does.
   */
  async restorePanel(viewType: string, title: string, state: unknown): Promise<FakeWebviewPanel> {
    const serializer = this.serializers.get(viewType);
    if (!serializer) throw new Error(`no webview panel serializer for ${viewType}`);
    const panel = new FakeWebviewPanel(viewType, title, false);
    this.webviewPanels.push(panel);
    await serializer.deserializeWebviewPanel(panel, state);
    return panel;
  },
  /** Fires every live watcher whose pattern covers `fsPath`, as the file system would. */
  fileEvent(kind: 'create' | 'change' | 'delete', fsPath: string): number {
    const hit = this.watchers.filter((w) => !w.disposed && matches(w.pattern, fsPath));
    for (const w of hit) w.fire(kind, Uri.file(fsPath));
    return hit.length;
  },
  setFolders(dirs: string[]): void {
    this.folders = dirs.map((dir, index) => ({ uri: Uri.file(dir), name: path.basename(dir), index }));
  },
  reset(): void {
    this.settings.clear();
    this.trusted = true;
    this.folders = [];
    this.messages.length = 0;
    this.answers.length = 0;
    this.commands.length = 0;
    this.progress.length = 0;
    this.statusItems.length = 0;
    this.watchers.length = 0;
    this.output.length = 0;
    this.webviewPanels.length = 0;
    this.serializers.clear();
  },
};

function message(level: 'info' | 'warning' | 'error') {
  return (text: string, ...items: unknown[]): Promise<string | undefined> => {
    editor.messages.push(items.length > 0 ? { level, text, items } : { level, text });
    return Promise.resolve(editor.answers.shift());
  };
}

export const window = {
  createStatusBarItem(
    id: string,
    alignment: StatusBarAlignment = StatusBarAlignment.Left,
  ): FakeStatusBarItem {
    const item: FakeStatusBarItem = {
      id,
      alignment,
      text: '',
      visible: false,
      show: () => void (item.visible = true),
      hide: () => void (item.visible = false),
      dispose: () => void (item.visible = false),
    };
    editor.statusItems.push(item);
    return item;
  },
  createWebviewPanel(
    viewType: string,
    title: string,
    show: ViewColumn | { viewColumn: ViewColumn; preserveFocus?: boolean },
  ): FakeWebviewPanel {
    const preserveFocus = typeof show === 'object' && show.preserveFocus === true;
    const panel = new FakeWebviewPanel(viewType, title, preserveFocus);
    editor.webviewPanels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: WebviewPanelSerializer): Disposable {
    editor.serializers.set(viewType, serializer);
    return new Disposable(() => {
      if (editor.serializers.get(viewType) === serializer) editor.serializers.delete(viewType);
    });
  },
  createOutputChannel(name: string) {
    return {
      name,
      appendLine: (line: string) => void editor.output.push(line),
      append: (text: string) => void editor.output.push(text),
      show: () => undefined,
      dispose: () => undefined,
    };
  },
  withProgress<R>(
    options: { title?: string; cancellable?: boolean },
    task: (
      progress: { report(value: { message?: string; increment?: number }): void },
      token: { isCancellationRequested: boolean; onCancellationRequested: (l: Listener<void>) => Disposable },
    ) => PromiseLike<R>,
  ): PromiseLike<R> {
    const cancelled = new EventEmitter<void>();
    const token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
    const run: ProgressRun = {
      title: options.title ?? '',
      reports: [],
      done: Promise.resolve(),
      cancel: () => {
        token.isCancellationRequested = true;
        cancelled.fire();
      },
    };
    editor.progress.push(run);
    const result = Promise.resolve(task({ report: (value) => void run.reports.push(value) }, token));
    run.done = result;
    return result;
  },
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
};

export const workspace = {
  get isTrusted(): boolean {
    return editor.trusted;
  },
  get workspaceFolders(): WorkspaceFolder[] | undefined {
    return editor.folders.length > 0 ? editor.folders : undefined;
  },
  /** As VS Code: relative to the workspace folder holding the file, else the path itself. */
  asRelativePath(uri: Uri | string): string {
    const fsPath = typeof uri === 'string' ? uri : uri.fsPath;
    const folder = editor.folders.find((f) => !path.relative(f.uri.fsPath, fsPath).startsWith('..'));
    return folder ? path.relative(folder.uri.fsPath, fsPath).split(path.sep).join('/') : fsPath;
  },
  getWorkspaceFolder(uri: Uri): WorkspaceFolder | undefined {
    return editor.folders.find((f) => !path.relative(f.uri.fsPath, uri.fsPath).startsWith('..'));
  },
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        const full = `${section}.${key}`;
        return editor.settings.has(full) ? (editor.settings.get(full) as T) : fallback;
      },
    };
  },
  async openTextDocument(uri: Uri) {
    const text = await fs.promises.readFile(uri.fsPath, 'utf8');
    return { uri, getText: () => text };
  },
  /** Walks the workspace folders as VS Code's file search does (no `exclude` match, files only). */
  async findFiles(include: GlobPattern, exclude?: string): Promise<Uri[]> {
    const skip = exclude ? globToRegExp(exclude) : null;
    const found: Uri[] = [];
    const walk = (root: string, dir: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        // A folder removed while the search walks (a trainer pruning an old checkpoint) is skipped, as VS
        // Code's search does.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        const relative = path.relative(root, full).split(path.sep).join('/');
        if (skip && (skip.test(relative) || skip.test(`${relative}/`))) continue;
        if (entry.isDirectory()) walk(root, full);
        else if (typeof include === 'string' ? globToRegExp(include).test(relative) : matches(include, full))
          found.push(Uri.file(full));
      }
    };
    for (const folder of editor.folders) walk(folder.uri.fsPath, folder.uri.fsPath);
    return found;
  },
  createFileSystemWatcher(pattern: GlobPattern): FakeWatcher {
    const watcher = new FakeWatcher(pattern);
    editor.watchers.push(watcher);
    return watcher;
  },
  onDidChangeWorkspaceFolders: new EventEmitter<unknown>().event,
  onDidGrantWorkspaceTrust: new EventEmitter<void>().event,
  onDidChangeConfiguration: new EventEmitter<{ affectsConfiguration(section: string): boolean }>().event,
};

export const commands = {
  executeCommand(id: string, ...args: unknown[]): Promise<undefined> {
    editor.commands.push({ id, args });
    return Promise.resolve(undefined);
  },
  registerCommand(id: string, _handler: (...args: unknown[]) => unknown): Disposable {
    return new Disposable(() => editor.commands.push({ id: `unregister ${id}`, args: [] }));
  },
};
