// Starts and stops code-server (VS Code 1.100.3 server + web workbench) on 127.0.0.1 with every bit of
// state in a temp folder, so runs never see each other or the user's own VS Code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { killProcessGroup, killProcessGroupNow } from './processGroup';
import { waitFor, WaitTimeout } from '../../support/waitFor';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where install.sh puts code-server; MLA_CODE_SERVER_DIR moves it (for both, install and harness). */
export const DEFAULT_CODE_SERVER_DIR =
  process.env.MLA_CODE_SERVER_DIR ?? path.join(REPO_ROOT, '.vscode-test', 'code-server');

/** Settings that keep the workbench quiet and offline; callers may add or override any. */
export const DEFAULT_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // The repo around a test workspace would otherwise prompt "open the repository in the parent folder?".
  'git.openRepositoryInParentFolders': 'never',
  // With workspace trust on (Restricted Mode runs), stay untrusted instead of showing a modal prompt.
  'security.workspace.trust.startupPrompt': 'never',
};

export interface ServerOptions {
  /** Folder the workbench opens. */
  workspace: string;
  /** Port on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  /** false keeps workspace trust on, so an untrusted folder opens in Restricted Mode. Default true. */
  disableWorkspaceTrust?: boolean;
  /** Merged over DEFAULT_USER_SETTINGS into the temp user-data-dir's User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server and the extension hosts it forks. */
  env?: Record<string, string>;
  /** Where scripts/vscode-server/install.sh put code-server. */
  codeServerDir?: string;
  /** Every line the server prints (its log, plus extension-host stdout as `<pid> ...`). */
  onOutput?: (line: string) => void;
  /** How long to wait for the server to answer /healthz. Default 30 s. */
  startTimeoutMs?: number;
  /** `.vsix` files installed into the temp extensions-dir before the server starts, as a user installs them. */
  installExtensions?: string[];
}

export interface RunningServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Temp folder holding user-data-dir, extensions-dir, XDG dirs; removed by stopServer. */
  stateDir: string;
  process: ChildProcess;
  /** The last lines the server printed, for error messages. */
  recentOutput: string[];
}

export class HarnessError extends Error {}

export function codeServerEntry(codeServerDir = DEFAULT_CODE_SERVER_DIR): string {
  const entry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(entry)) {
    throw new HarnessError(
      `code-server is not installed (no ${entry}). Run: bash scripts/vscode-server/install.sh`,
    );
  }
  return entry;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const healthy = async (): Promise<boolean> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new HarnessError(`code-server exited (${child.exitCode ?? child.signalCode}) before it answered`);
    }
    try {
      return (await fetch(`${origin}/healthz`)).ok;
    } catch {
      return false; // not listening yet
    }
  };
  try {
    await waitFor(`${origin}/healthz`, healthy, { timeoutMs, intervalMs: 150 });
  } catch (error) {
    if (!(error instanceof WaitTimeout)) throw error;
    throw new HarnessError(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s`);
  }
}

// Servers still running when this process ends (a crash, Ctrl-C, a CI timeout) are killed synchronously:
// they run in their own process group, so a terminal's Ctrl-C never reaches them by itself.
const liveServers = new Map<ChildProcess, string>();
let exitHooksInstalled = false;
function killAllNow(): void {
  for (const [child, stateDir] of liveServers) {
    killProcessGroupNow(child);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  liveServers.clear();
}
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once('exit', killAllNow);
  const signalExitCodes: [NodeJS.Signals, number][] = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ];
  for (const [signal, code] of signalExitCodes) {
    process.once(signal, () => {
      killAllNow();
      process.exit(code);
    });
  }
}

async function checkPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () =>
      reject(new HarnessError(`port ${port} on 127.0.0.1 is already in use (--port)`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const entry = codeServerEntry(options.codeServerDir);
  const workspace = path.resolve(options.workspace);
  if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new HarnessError(`workspace folder ${workspace} does not exist`);
  }
  if (options.port !== undefined) await checkPortFree(options.port);
  const port = options.port ?? (await freePort());
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-vscode-'));
  const dirs = {
    userData: path.join(stateDir, 'user-data'),
    extensions: path.join(stateDir, 'extensions'),
    config: path.join(stateDir, 'xdg-config'),
    data: path.join(stateDir, 'xdg-data'),
  };
  Object.values(dirs).forEach((dir) => fs.mkdirSync(dir, { recursive: true }));
  fs.mkdirSync(path.join(dirs.userData, 'User'));
  fs.writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...options.userSettings }, null, 2),
  );

  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    // An empty gallery switches the marketplace off: otherwise the server queries open-vsx.org.
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
  for (const vsix of options.installExtensions ?? []) {
    installExtension(entry, vsix, dirs, env, stateDir);
  }

  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.disableWorkspaceTrust === false ? [] : ['--disable-workspace-trust']),
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    workspace,
  ];
  const child = spawn(process.execPath, args, {
    detached: true, // its own process group, killed as a whole by stopServer
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  installExitHooks();
  liveServers.set(child, stateDir);
  const server: RunningServer = {
    port,
    origin: `http://127.0.0.1:${port}`,
    stateDir,
    process: child,
    recentOutput: [],
  };
  const onChunk = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      server.recentOutput.push(line);
      if (server.recentOutput.length > 200) server.recentOutput.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', onChunk);
  child.stderr?.on('data', onChunk);
  try {
    await waitForHealth(server.origin, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

/** `code-server --install-extension`, into the same extensions-dir the server then loads from. */
function installExtension(
  entry: string,
  vsix: string,
  dirs: { userData: string; extensions: string },
  env: NodeJS.ProcessEnv,
  stateDir: string,
): void {
  if (!fs.statSync(vsix, { throwIfNoEntry: false })?.isFile()) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    throw new HarnessError(`cannot install ${vsix}: no such file (build it with npm run package)`);
  }
  const args = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const done = spawnSync(process.execPath, [entry, ...args, '--install-extension', vsix], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (done.status !== 0) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    const said = `${done.stdout ?? ''}${done.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new HarnessError(
      `code-server --install-extension ${vsix} failed (${done.status ?? done.signal}):\n${said}`,
    );
  }
}

/** Kills the server's whole process group (extension hosts included) and removes its temp state. */
export async function stopServer(server: RunningServer): Promise<void> {
  await killProcessGroup(server.process);
  liveServers.delete(server.process);
  fs.rmSync(server.stateDir, { recursive: true, force: true });
}
