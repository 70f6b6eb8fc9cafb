// Runs extension test suites inside a real VS Code on this offline machine: code-server + Debian Chromium.
//
//   node --import tsx test/integration/harness/runOffline.ts --extension DIR --tests DIR|FILE --workspace DIR
//        [--timeout S] [--trust] [--screenshot FILE] [--grep TEXT] [--test-timeout S] [--port N] [--verbose]
//
// The remote extension host exits 0 whatever the suites did, so the verdict is the suite's closing console
// line `N passed, N failed` (see mochaIndex.ts), read from the browser console where the extension host's
// console output arrives. Exit code 0 only when that line came, at least one test ran and none failed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HarnessError, startServer, stopServer, type RunningServer } from './codeServer';
import { RESULT_LINE } from './mochaIndex';
import { openWorkbench, workbenchUrl, type ConsoleLine, type Workbench } from './workbench';

export interface RunOfflineOptions {
  /** Folder of the extension under test (its package.json names `main`). */
  extension: string;
  /** Module exporting run() (e.g. out/integration/index.js) or a folder holding index.js. */
  tests: string;
  /** Folder the workbench opens. */
  workspace: string;
  /** Seconds to wait for the closing line after starting. Default 120. */
  timeoutSeconds?: number;
  /** Keep workspace trust on: the folder opens untrusted, in Restricted Mode. Default false. */
  trust?: boolean;
  /** PNG of the workbench taken when the suites end (or time out). */
  screenshot?: string;
  /** mocha --grep for the suites, passed through the environment (MLA_TEST_GREP). */
  grep?: string;
  /** mocha's per-test timeout in seconds (MLA_TEST_TIMEOUT_MS); mochaIndex defaults to 120. */
  testTimeoutSeconds?: number;
  port?: number;
  /** Also print code-server's log and workbench noise. */
  verbose?: boolean;
  userSettings?: Record<string, unknown>;
  /** `.vsix` files installed into the workbench before it starts (as a user installs them). */
  installExtensions?: string[];
  env?: Record<string, string>;
  /** Where output goes; default console.log. */
  log?: (line: string) => void;
  /** Called with the live page before it closes (screenshots, UI checks). */
  beforeStop?: (workbench: Workbench, server: RunningServer) => Promise<void>;
}

export interface SuiteResult {
  /** null when the closing line never came. */
  passed: number | null;
  failed: number | null;
  exitCode: number;
  /** One sentence: why this exit code. */
  verdict: string;
  seconds: number;
}

// Workbench chatter that says nothing about the suites; shown with --verbose only.
const WORKBENCH_NOISE = [
  'Failed to load resource',
  'An iframe which has both allow-scripts and allow-same-origin',
  'Found unexpected service worker controller',
  'connection token',
  'Creating a socket',
  '[Service Worker]',
  'Updating additional builtin extensions cache',
  'ChatSessionStore',
  'The web worker extension host is started in a same-origin iframe',
  'Overwriting extension <<',
  'Ignoring fetching additional builtin extensions from gallery',
  'Creation of workbench contribution',
];

// code-server logs an extension host's stdout/stderr as `[...][ExtensionHostConnection] <pid> text`.
const EXTENSION_HOST_STDIO = /\[ExtensionHostConnection\] <(\d+)>(<stderr>)? (.*)$/;
const EXTENSION_HOST_EXIT = /<\d+> Extension Host Process exited with code: (\S+), signal: (\S+)\./;

function checkInputs(options: RunOfflineOptions): void {
  const manifest = path.join(options.extension, 'package.json');
  if (!fs.existsSync(manifest))
    throw new HarnessError(`--extension ${options.extension}: no package.json there`);
  if (!fs.existsSync(options.tests)) {
    throw new HarnessError(
      `--tests ${options.tests} does not exist (build the suites first: buildSuites.mjs)`,
    );
  }
  if (!fs.statSync(options.workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new HarnessError(`--workspace ${options.workspace} is not a folder`);
  }
}

export function verdictFor(passed: number, failed: number): { exitCode: number; verdict: string } {
  if (failed > 0) return { exitCode: 1, verdict: `${failed} test(s) failed` };
  if (passed === 0) return { exitCode: 1, verdict: 'no test ran' };
  return { exitCode: 0, verdict: `all ${passed} test(s) passed` };
}

export async function runOffline(options: RunOfflineOptions): Promise<SuiteResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  checkInputs(options);
  const timeoutSeconds = options.timeoutSeconds ?? 120;

  let settle: (result: { passed: number; failed: number } | { problem: string }) => void = () => {};
  const outcome = new Promise<{ passed: number; failed: number } | { problem: string }>((resolve) => {
    settle = resolve;
  });
  const readResult = (text: string): void => {
    const match = RESULT_LINE.exec(text.trim());
    if (match && match[0] === text.trim()) settle({ passed: Number(match[1]), failed: Number(match[2]) });
  };

  const onServerLine = (line: string): void => {
    const stdio = EXTENSION_HOST_STDIO.exec(line);
    const exit = EXTENSION_HOST_EXIT.exec(line);
    if (exit) {
      log(`[harness] extension host exited (code ${exit[1]}, signal ${exit[2]})`);
      // The closing line travels through the browser and can arrive just after the exit notice.
      setTimeout(
        () => settle({ problem: 'the extension host exited without printing "N passed, N failed"' }),
        3000,
      );
    } else if (stdio && stdio[3].startsWith('Launched Extension Host Process')) {
      log(`[harness] extension host started (pid ${stdio[1]})`);
    } else if (stdio) {
      log(stdio[2] ? `[exthost stderr] ${stdio[3]}` : stdio[3]);
      readResult(stdio[3]);
    } else if (options.verbose) {
      log(`[server] ${line}`);
    }
  };
  const onConsole = ({ level, text }: ConsoleLine): void => {
    if (level === 'debug' || level === 'trace') return;
    if (!options.verbose && WORKBENCH_NOISE.some((noise) => text.includes(noise))) return;
    const tag = level === 'info' ? '' : `[${level}] `;
    for (const line of text.split('\n')) log(tag + line);
    readResult(text);
  };

  const server = await startServer({
    workspace: options.workspace,
    port: options.port,
    disableWorkspaceTrust: !options.trust,
    userSettings: options.userSettings,
    installExtensions: options.installExtensions,
    // The extension host inherits the server's environment: that is how options reach mochaIndex.
    env: {
      ...options.env,
      ...(options.grep ? { MLA_TEST_GREP: options.grep } : {}),
      ...(options.testTimeoutSeconds
        ? { MLA_TEST_TIMEOUT_MS: String(options.testTimeoutSeconds * 1000) }
        : {}),
    },
    onOutput: onServerLine,
  });
  let workbench: Workbench | undefined;
  const timer = setTimeout(
    () => settle({ problem: `no "N passed, N failed" line within ${timeoutSeconds} s (--timeout)` }),
    timeoutSeconds * 1000,
  );
  try {
    log(`[harness] code-server on ${server.origin} after ${seconds()} s`);
    const url = workbenchUrl(server, {
      workspace: options.workspace,
      extensionDevelopmentPath: options.extension,
      extensionTestsPath: options.tests,
    });
    workbench = await openWorkbench(url, {
      onConsole,
      onForeignRequest: (foreign) => log(`[harness] blocked? request to a non-local host: ${foreign}`),
    });
    workbench.page.on('crash', () => settle({ problem: 'the workbench page crashed' }));
    const result = await outcome;
    if (options.screenshot) {
      await workbench.page.screenshot({ path: options.screenshot });
      log(`[harness] screenshot ${options.screenshot}`);
    }
    if (options.beforeStop) await options.beforeStop(workbench, server);
    if ('problem' in result) {
      log(`[harness] FAILED: ${result.problem}. Last server lines:`);
      server.recentOutput.slice(-15).forEach((line) => log(`[server] ${line}`));
      return { passed: null, failed: null, exitCode: 1, verdict: result.problem, seconds: seconds() };
    }
    return { ...result, ...verdictFor(result.passed, result.failed), seconds: seconds() };
  } finally {
    clearTimeout(timer);
    await workbench?.close();
    await stopServer(server);
  }
}

interface CliArguments extends RunOfflineOptions {
  help?: boolean;
}

const USAGE = `usage: node --import tsx test/integration/harness/runOffline.ts
  --extension DIR        extension under development (folder with package.json)
  --tests DIR|FILE       module exporting run(), or a folder with index.js (buildSuites.mjs writes one)
  --workspace DIR        folder the workbench opens
  [--timeout S]          seconds to wait for "N passed, N failed" (default 120)
  [--trust]              keep workspace trust ON, so the folder opens untrusted in Restricted Mode
                         (default: --disable-workspace-trust, everything trusted)
  [--screenshot FILE]    PNG of the workbench when the suites end
  [--grep TEXT]          run only tests whose full title contains TEXT
  [--test-timeout S]     mocha's timeout for each test (default 120)
  [--port N]             fixed port on 127.0.0.1 (default: a free one)
  [--verbose]            also print code-server's log and workbench chatter`;

export function parseArguments(argv: string[]): CliArguments {
  const parsed: Partial<CliArguments> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--'))
        throw new HarnessError(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    const seconds = (text: string): number => {
      const n = Number(text);
      if (!Number.isFinite(n) || n <= 0)
        throw new HarnessError(`${flag} expects a positive number, got "${text}"`);
      return n;
    };
    switch (flag) {
      case '--extension':
        parsed.extension = path.resolve(value());
        break;
      case '--tests':
        parsed.tests = path.resolve(value());
        break;
      case '--workspace':
        parsed.workspace = path.resolve(value());
        break;
      case '--timeout':
        parsed.timeoutSeconds = seconds(value());
        break;
      case '--trust':
      case '--restricted':
        parsed.trust = true;
        break;
      case '--screenshot':
        parsed.screenshot = path.resolve(value());
        break;
      case '--grep':
        parsed.grep = value();
        break;
      case '--test-timeout':
        parsed.testTimeoutSeconds = seconds(value());
        break;
      case '--port':
        parsed.port = seconds(value());
        break;
      case '--verbose':
        parsed.verbose = true;
        break;
      case '--help':
      case '-h':
        return { help: true, extension: '', tests: '', workspace: '' };
      default:
        throw new HarnessError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  for (const required of ['extension', 'tests', 'workspace'] as const) {
    if (!parsed[required]) throw new HarnessError(`--${required} is required\n${USAGE}`);
  }
  return parsed as CliArguments;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const result = await runOffline(options);
  console.log(`[harness] ${result.verdict} (${result.seconds} s)`);
  return result.exitCode;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof HarnessError ? `runOffline: ${error.message}` : error);
      process.exit(2);
    },
  );
}
