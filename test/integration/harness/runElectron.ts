// Runs the same suites in desktop VS Code through @vscode/test-electron, for machines that can download
// VS Code from Microsoft's update server (a user's machine, hosted CI). Offline (as here) the download fails
// within seconds with a message pointing at runOffline.ts instead of hanging.
//
//   node --import tsx test/integration/harness/runElectron.ts --extension DIR --tests DIR|FILE --workspace DIR
//        [--vscode-version V] [--trust] [--grep TEXT] [--download-timeout S]
//
// Desktop VS Code prints the extension host's console to stdout, so the suites' `N passed, N failed` line
// appears as is, and VS Code exits non-zero when run() rejects (mochaIndex rejects on any failure).
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as path from 'node:path';
import { HarnessError, REPO_ROOT } from './codeServer';

export interface RunElectronOptions {
  extension: string;
  tests: string;
  workspace: string;
  /** VS Code release to download; defaults to the one code-server 4.100.3 embeds, so both runners agree. */
  vscodeVersion?: string;
  /** Keep workspace trust on (Restricted Mode), as runOffline's --trust. */
  trust?: boolean;
  grep?: string;
  /** Give up on the download after this many seconds. Default 300. */
  downloadTimeoutSeconds?: number;
}

export const DEFAULT_VSCODE_VERSION = '1.100.3';

async function withTimeout<T>(work: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with VS Code's exit code: 0 when every suite passed. */
export async function runElectron(options: RunElectronOptions): Promise<number> {
  const version = options.vscodeVersion ?? DEFAULT_VSCODE_VERSION;
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await withTimeout(
      downloadAndUnzipVSCode({
        version,
        cachePath: path.join(REPO_ROOT, '.vscode-test'),
        timeout: 15_000, // idle timeout of each request: a stalled connection fails instead of hanging
      }),
      options.downloadTimeoutSeconds ?? 300,
      `downloading VS Code ${version}`,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HarnessError(
      `could not download VS Code ${version} (${reason}). This machine cannot reach Microsoft's update ` +
        'server; run the suites with test/integration/harness/runOffline.ts (code-server) instead.',
    );
  }
  const launchArgs = [
    path.resolve(options.workspace),
    '--disable-extensions', // other installed extensions stay out of the run; the one under test still loads
    ...(options.trust ? [] : ['--disable-workspace-trust']),
    // Electron refuses to start as root without it (containers, CI).
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: path.resolve(options.extension),
      extensionTestsPath: path.resolve(options.tests),
      launchArgs,
      extensionTestsEnv: options.grep ? { MLA_TEST_GREP: options.grep } : {},
    });
  } catch (error) {
    console.error(`runElectron: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function parseArguments(argv: string[]): RunElectronOptions {
  const parsed: Partial<RunElectronOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new HarnessError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--extension') parsed.extension = value();
    else if (flag === '--tests') parsed.tests = value();
    else if (flag === '--workspace') parsed.workspace = value();
    else if (flag === '--vscode-version') parsed.vscodeVersion = value();
    else if (flag === '--grep') parsed.grep = value();
    else if (flag === '--trust' || flag === '--restricted') parsed.trust = true;
    else if (flag === '--download-timeout') parsed.downloadTimeoutSeconds = Number(value());
    else throw new HarnessError(`unknown option ${flag}`);
  }
  for (const required of ['extension', 'tests', 'workspace'] as const) {
    if (!parsed[required]) throw new HarnessError(`--${required} is required`);
  }
  return parsed as RunElectronOptions;
}

if (require.main === module) {
  Promise.resolve()
    .then(() => runElectron(parseArguments(process.argv.slice(2))))
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(error instanceof HarnessError ? `runElectron: ${error.message}` : error);
        process.exit(2);
      },
    );
}
