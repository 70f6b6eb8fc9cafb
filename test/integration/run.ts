// The integration tier: MLA Studio's suites inside a real VS Code. Offline (the default, what CI runs here):
// code-server's VS Code driven by Debian's Chromium. `--electron`: desktop VS Code via @vscode/test-electron,
// for machines that can download it. Two windows: a trusted workspace for most suites, an untrusted one
// (Restricted Mode) for the trust suite. Each gets a fresh copy of the example project. Offline only, a third
// window tries the product as a user gets it: the packaged .vsix installed with `code-server
// --install-extension` into a fresh, empty folder (the development extension there is the harness fixture).
//
//   node --import tsx test/integration/run.ts [--electron] [--grep TEXT] [--screenshots DIR]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeExampleProject } from '../../src/core/data/exampleProject';
import { buildInstalledWindow } from './harness/installedWindow';
import { runElectron } from './harness/runElectron';
import { runOffline, type SuiteResult } from './harness/runOffline';

const REPO = path.resolve(__dirname, '..', '..');

interface Window {
  name: string;
  suitesDir: string;
  restricted: boolean;
}

const WINDOWS: Window[] = [
  { name: 'trusted', suitesDir: 'test/integration/suites', restricted: false },
  { name: 'restricted', suitesDir: 'test/integration/restricted', restricted: true },
];

async function workspace(name: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mla-it-${name}-`));
  await writeExampleProject(dir, null);
  // A workspace root marker, as a user's project would have: runs go to <workspace>/.mla/runs.
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  return dir;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      electron: { type: 'boolean', default: false },
      grep: { type: 'string' },
      screenshots: { type: 'string' },
    },
  });
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: run `npm run build` first');
    return 2;
  }
  // An ES module (it runs without tsx too): imported dynamically from this CommonJS script.
  const { buildSuites } = await import('./harness/buildSuites.mjs');
  let passed = 0;
  let failed = 0;
  let exitCode = 0;
  for (const w of WINDOWS) {
    const outDir = path.join('out', 'integration', w.name);
    await buildSuites({ suitesDir: w.suitesDir, outDir });
    const tests = path.join(REPO, outDir);
    const ws = await workspace(w.name);
    console.log(`== integration (${w.name}${w.restricted ? ', Restricted Mode' : ''}): ${ws}`);
    if (values.electron) {
      const code = await runElectron({
        extension: REPO,
        tests,
        workspace: ws,
        trust: w.restricted,
        grep: values.grep,
      });
      exitCode ||= code;
      continue;
    }
    const result: SuiteResult = await runOffline({
      extension: REPO,
      tests,
      workspace: ws,
      trust: w.restricted,
      timeoutSeconds: 600,
      testTimeoutSeconds: 300,
      grep: values.grep,
      screenshot: values.screenshots ? path.join(values.screenshots, `${w.name}.png`) : undefined,
    });
    console.log(`${w.name}: ${result.verdict} (${result.seconds.toFixed(0)} s)`);
    passed += result.passed ?? 0;
    failed += result.failed ?? 0;
    if (result.exitCode !== 0) exitCode = result.exitCode;
    if (result.passed === null) failed += 1;
  }
  if (!values.electron) {
    const installed = await buildInstalledWindow(REPO);
    console.log(`== integration (installed .vsix ${path.basename(installed.vsix)}): ${installed.workspace}`);
    const result = await runOffline({
      extension: installed.harnessExtension,
      tests: installed.tests,
      workspace: installed.workspace,
      installExtensions: [installed.vsix],
      timeoutSeconds: 600,
      testTimeoutSeconds: 300,
      grep: values.grep,
      screenshot: values.screenshots ? path.join(values.screenshots, 'installed.png') : undefined,
    });
    console.log(`installed: ${result.verdict} (${result.seconds.toFixed(0)} s)`);
    passed += result.passed ?? 0;
    failed += result.failed ?? 0;
    if (result.exitCode !== 0) exitCode = result.exitCode;
    if (result.passed === null) failed += 1;
    console.log(`integration: ${passed} passed, ${failed} failed`);
  }
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
