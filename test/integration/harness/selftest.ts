// Standing proof that the offline harness works and that a failing suite fails CI:
//
//   node --import tsx test/integration/harness/selftest.ts
//
// Builds the fixture extension (test/fixtures/harness-extension) and its two suites, runs each through
// runOffline in a real VS Code (code-server + Chromium), and checks: the passing suite exits 0 with
// "1 passed, 0 failed"; the deliberately failing one exits non-zero with "0 passed, 1 failed" and a failure
// that names the suite's TypeScript line; no process of either run outlives it. ~20 s warm.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerEntry, HarnessError, REPO_ROOT } from './codeServer';
import { processesMentioning, processGroupMembers } from './processGroup';
import { runOffline, type SuiteResult } from './runOffline';

const FIXTURE_SOURCE = path.join(REPO_ROOT, 'test', 'fixtures', 'harness-extension');
// Built copies go under the repo's out/ (ignored by git, eslint and prettier, and inside the repo so the
// suites resolve mocha from its node_modules), with the suites inside the extension folder, as in the repo.
const FIXTURE = path.join(REPO_ROOT, 'out', 'harness-selftest', 'harness-extension');

async function buildFixture(): Promise<{ passing: string; failing: string }> {
  const { buildSuites, buildExtensionEntry } = await import('./buildSuites.mjs');
  fs.rmSync(FIXTURE, { recursive: true, force: true });
  fs.mkdirSync(FIXTURE, { recursive: true });
  fs.copyFileSync(path.join(FIXTURE_SOURCE, 'package.json'), path.join(FIXTURE, 'package.json'));
  await buildExtensionEntry(
    path.join(FIXTURE_SOURCE, 'src', 'extension.ts'),
    path.join(FIXTURE, 'out', 'extension.js'),
  );
  const build = async (name: string): Promise<string> => {
    const outDir = path.join(FIXTURE, 'out', name);
    await buildSuites({ suitesDir: path.join(FIXTURE_SOURCE, 'suites'), outDir, only: [`${name}.test.ts`] });
    return outDir;
  };
  return { passing: await build('passing'), failing: await build('failing') };
}

interface CapturedRun {
  result: SuiteResult;
  lines: string[];
  stateDir: string;
  /** Process group of code-server and, while it ran, how many processes it held (server + extension hosts). */
  groupId: number;
  groupSizeWhileRunning: number;
}

async function runCaptured(tests: string, workspace: string, screenshot?: string): Promise<CapturedRun> {
  const lines: string[] = [];
  let stateDir = '';
  let groupId = -1;
  let groupSizeWhileRunning = 0;
  const result = await runOffline({
    extension: FIXTURE,
    tests,
    workspace,
    timeoutSeconds: 90,
    screenshot,
    // Indented, so the child runs' closing lines never read as this script's own.
    log: (line) => {
      lines.push(line);
      console.log(`    | ${line}`);
    },
    beforeStop: async (_workbench, server) => {
      stateDir = server.stateDir;
      groupId = server.process.pid ?? -1;
      groupSizeWhileRunning = processGroupMembers(groupId).length;
    },
  });
  return { result, lines, stateDir, groupId, groupSizeWhileRunning };
}

async function main(): Promise<number> {
  codeServerEntry(); // a clear "run install.sh" message before anything else
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const check = (name: string, assertion: () => void): void => {
    try {
      assertion();
      passed++;
      console.log(`  ✓ ${name}`);
    } catch (error) {
      failed++;
      console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-harness-ws-'));
  fs.writeFileSync(path.join(workspace, 'README.txt'), 'workspace of the harness self-test\n');
  const screenshot = path.join(os.tmpdir(), `mla-harness-selftest-${process.pid}.png`);
  try {
    const suites = await buildFixture();

    console.log('passing suite:');
    const passing = await runCaptured(suites.passing, workspace, screenshot);
    check('passing suite exits 0', () => assert.equal(passing.result.exitCode, 0, passing.result.verdict));
    check('passing suite prints "1 passed, 0 failed"', () =>
      assert.ok(passing.lines.includes('1 passed, 0 failed')),
    );
    check('passing suite counts 1 passed, 0 failed', () => {
      assert.equal(passing.result.passed, 1);
      assert.equal(passing.result.failed, 0);
    });
    check('screenshot of the live workbench is a PNG', () => {
      const bytes = fs.readFileSync(screenshot);
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
      assert.ok(bytes.length > 5000, `only ${bytes.length} bytes`);
    });
    check('code-server ran its helpers in its own process group', () =>
      assert.ok(
        passing.groupSizeWhileRunning >= 3,
        `group held ${passing.groupSizeWhileRunning} process(es)`,
      ),
    );
    check('no process of the passing run is left', () => {
      assert.deepEqual(processGroupMembers(passing.groupId), []);
      assert.deepEqual(processesMentioning(passing.stateDir), []);
    });

    console.log('deliberately failing suite:');
    const failing = await runCaptured(suites.failing, workspace);
    check('failing suite exits non-zero', () => assert.notEqual(failing.result.exitCode, 0));
    check('failing suite counts 0 passed, 1 failed', () => {
      assert.equal(failing.result.passed, 0);
      assert.equal(failing.result.failed, 1);
    });
    check("the failure names the suite's TypeScript line", () =>
      assert.ok(
        failing.lines.some((line) => line.includes('harness-extension/suites/failing.test.ts:9:')),
        'no stack frame pointing at failing.test.ts:9',
      ),
    );
    check('no process of the failing run is left', () => {
      assert.deepEqual(processGroupMembers(failing.groupId), []);
      assert.deepEqual(processesMentioning(failing.stateDir), []);
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(screenshot, { force: true });
  }
  console.log(`harness self-test took ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof HarnessError ? `selftest: ${error.message}` : error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
