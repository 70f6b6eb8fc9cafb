// Opens the VS Code web workbench served by code-server in Debian's Chromium (driven by playwright-core)
// and turns its console into plain lines. With an extensionTestsPath in the URL, the remote extension host's
// console.log/info/warn/error calls arrive HERE, in the browser console, through the workbench's log
// service ("%c INFO color: #33f <text>"), not on code-server's stdout.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  chromium,
  type BrowserContext,
  type ConsoleMessage,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { HarnessError, type RunningServer } from './codeServer';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Without these Chromium reaches for Google hosts (QUIC probes, component updates, sync) on start.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WorkbenchTarget {
  workspace: string;
  /** Extension folder loaded as under development (absolute path on this machine). */
  extensionDevelopmentPath?: string;
  /** Module (or folder with index.js) exporting run(): the extension host runs it, then stops. */
  extensionTestsPath?: string;
}

/** The workbench URL; development and test paths travel in `payload` (code-server rejects them as flags). */
export function workbenchUrl(
  server: Pick<RunningServer, 'origin' | 'port'>,
  target: WorkbenchTarget,
): string {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
  const payload: [string, string][] = [];
  if (target.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]);
  }
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: path.resolve(target.workspace) });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}

export type ConsoleLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface ConsoleLine {
  level: ConsoleLevel;
  text: string;
}

const LOG_SERVICE_PREFIX = /^%c\s*(TRACE|DEBUG|INFO|WARN|ERR)\s+color:\s*#[0-9a-fA-F]+\s?/;
const LEVELS: Record<string, ConsoleLevel> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERR: 'error',
};

/** Strips the workbench log service's styling prefix; other console calls keep their text as is. */
export function parseConsoleText(type: string, raw: string): ConsoleLine {
  const match = LOG_SERVICE_PREFIX.exec(raw);
  if (match) return { level: LEVELS[match[1]], text: raw.slice(match[0].length) };
  const level: ConsoleLevel =
    type === 'error' ? 'error' : type === 'warning' ? 'warn' : type === 'debug' ? 'debug' : 'info';
  return { level, text: raw };
}

export interface OpenWorkbenchOptions {
  /** Every console message of the workbench page, prefix stripped. */
  onConsole?: (line: ConsoleLine) => void;
  /** Requests to hosts other than 127.0.0.1 (there should be none; offline they would fail anyway). */
  onForeignRequest?: (url: string) => void;
  viewport?: { width: number; height: number };
}

export interface Workbench {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openWorkbench(url: string, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new HarnessError(`${CHROMIUM_PATH} is missing. Run: bash scripts/vscode-server/install.sh`);
  }
  // A fresh profile every time: nothing cached from an earlier run can mask a problem.
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const close = async (): Promise<void> => {
    await context.close().catch(() => undefined);
    fs.rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    context.on('request', (request) => {
      const host = new URL(request.url()).hostname;
      // Webview resources use `vscode-remote+<authority>.vscode-resource.vscode-cdn.net` URLs that the
      // webview's service worker answers from this server: they never reach the network.
      const webviewResource = /^vscode-remote\+[^.]+\.vscode-resource\.vscode-cdn\.net$/.test(host);
      const local =
        host === '127.0.0.1' || host === 'localhost' || webviewResource || request.url().startsWith('data:');
      if (!local && /^https?:/.test(request.url())) options.onForeignRequest?.(request.url());
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message: ConsoleMessage) =>
      options.onConsole?.(parseConsoleText(message.type(), message.text())),
    );
    page.on('pageerror', (error) =>
      options.onConsole?.({ level: 'error', text: `page error: ${error.message}` }),
    );
    await page.goto(url);
    return { page, context, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The document inside a webview: each is an `iframe.webview.ready` holding its content in `#active-frame`. */
export function webviewContent(page: Page, index = 0): FrameLocator {
  return page.frameLocator('iframe.webview.ready').nth(index).frameLocator('#active-frame');
}

/**
 * Runs a command through the command palette. The palette can open before the extension's commands are
 * registered, so a title that is not offered yet is retried until `timeoutMs`.
 */
export async function runCommandFromPalette(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    const offered = await row.waitFor({ state: 'visible', timeout: 1500 }).then(
      () => true,
      () => false,
    );
    if (offered) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new HarnessError(`command "${title}" never appeared in the palette`);
    // Open the palette again only once this one has closed.
    await input.waitFor({ state: 'hidden', timeout: 5000 });
  }
}
