// What the "installed" integration window needs: the .vsix `npm run package` builds (the file a user installs),
// a development extension for the workbench to run the suites from (the harness fixture: VS Code runs tests
// only from a development extension, and MLA Studio must come from the .vsix, not from the repo), the suites
// of test/integration/installed built, and a fresh empty folder to open.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HarnessError } from './codeServer';

export interface InstalledWindow {
  vsix: string;
  harnessExtension: string;
  tests: string;
  workspace: string;
}

export async function buildInstalledWindow(repo: string): Promise<InstalledWindow> {
  const out = path.join(repo, 'out', 'integration-installed');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });

  const vsix = path.join(out, 'mla-studio.vsix');
  const packaged = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', vsix], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (packaged.status !== 0 || !fs.existsSync(vsix)) {
    const said = `${packaged.stdout ?? ''}${packaged.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new HarnessError(`npm run package failed (${packaged.status ?? packaged.signal}):\n${said}`);
  }

  const { buildSuites, buildExtensionEntry } = await import('./buildSuites.mjs');
  const fixtureSource = path.join(repo, 'test', 'fixtures', 'harness-extension');
  const harnessExtension = path.join(out, 'harness-extension');
  fs.mkdirSync(harnessExtension, { recursive: true });
  fs.copyFileSync(path.join(fixtureSource, 'package.json'), path.join(harnessExtension, 'package.json'));
  await buildExtensionEntry(
    path.join(fixtureSource, 'src', 'extension.ts'),
    path.join(harnessExtension, 'out', 'extension.js'),
  );
  const tests = path.join(out, 'suites');
  await buildSuites({ suitesDir: path.join('test', 'integration', 'installed'), outDir: tests });

  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-it-installed-'));
  return { vsix, harnessExtension, tests, workspace };
}
