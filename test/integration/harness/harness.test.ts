// Unit checks of the harness pieces that need no browser (the end-to-end proof is selftest.ts):
//   node --import tsx --test test/integration/harness/harness.test.ts
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { findSuiteFiles, formatResultLine, RESULT_LINE } from './mochaIndex';
import { waitFor } from '../../support/waitFor';
import { killProcessGroup, processGroupMembers } from './processGroup';
import { parseArguments, verdictFor } from './runOffline';
import { parseConsoleText, workbenchUrl } from './workbench';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mla-harness-unit-'));
}

test('the closing line is recognised alone on a line and only then', () => {
  assert.equal(formatResultLine(3, 1), '3 passed, 1 failed');
  assert.deepEqual(RESULT_LINE.exec('12 passed, 0 failed')?.slice(1), ['12', '0']);
  assert.equal(RESULT_LINE.exec('run: 12 passed, 0 failed tests'), null);
});

test('verdict: non-zero exit on any failure and on an empty run', () => {
  assert.deepEqual(verdictFor(4, 0), { exitCode: 0, verdict: 'all 4 test(s) passed' });
  assert.equal(verdictFor(4, 1).exitCode, 1);
  assert.deepEqual(verdictFor(0, 0), { exitCode: 1, verdict: 'no test ran' });
});

test("the workbench log service's console prefix is stripped and its level kept", () => {
  assert.deepEqual(parseConsoleText('log', '%c INFO color: #33f 1 passed, 0 failed'), {
    level: 'info',
    text: '1 passed, 0 failed',
  });
  assert.deepEqual(parseConsoleText('log', '%c  ERR color: #f33 boom'), { level: 'error', text: 'boom' });
  assert.deepEqual(parseConsoleText('warning', 'plain'), { level: 'warn', text: 'plain' });
});

test('the workbench URL carries folder and the remote development/test paths in payload', () => {
  const url = new URL(
    workbenchUrl(
      { origin: 'http://127.0.0.1:4567', port: 4567 },
      { workspace: '/w s', extensionDevelopmentPath: '/ext', extensionTestsPath: '/ext/out/tests' },
    ),
  );
  assert.equal(url.host, '127.0.0.1:4567');
  assert.equal(url.searchParams.get('folder'), '/w s');
  assert.deepEqual(JSON.parse(url.searchParams.get('payload') ?? 'null'), [
    ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4567/ext'],
    ['extensionTestsPath', 'vscode-remote://127.0.0.1:4567/ext/out/tests'],
  ]);
});

test('command line: --trust keeps workspace trust on; a missing or bad value is named', () => {
  const parsed = parseArguments([
    '--extension',
    'e',
    '--tests',
    't',
    '--workspace',
    'w',
    '--trust',
    '--timeout',
    '30',
  ]);
  assert.equal(parsed.trust, true);
  assert.equal(parsed.timeoutSeconds, 30);
  assert.equal(parsed.tests, path.resolve('t'));
  assert.throws(() => parseArguments(['--extension', 'e', '--workspace', 'w']), /--tests is required/);
  assert.throws(
    () => parseArguments(['--extension', 'e', '--tests', 't', '--workspace', 'w', '--timeout', 'soon']),
    /--timeout expects a positive number, got "soon"/,
  );
});

test('suite files are found by glob, nested ones included by **', () => {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'deep', 'er'), { recursive: true });
  for (const file of ['a.test.js', 'b.test.js.map', 'helper.js', 'deep/er/c.test.js']) {
    fs.writeFileSync(path.join(root, file), '');
  }
  assert.deepEqual(
    findSuiteFiles(root, '**/*.test.js').map((file) => path.relative(root, file)),
    ['a.test.js', path.join('deep', 'er', 'c.test.js')],
  );
  assert.deepEqual(
    findSuiteFiles(root, '*.test.js').map((file) => path.basename(file)),
    ['a.test.js'],
  );
  fs.rmSync(root, { recursive: true, force: true });
});

test("a bundled suite's stack frame maps back to its TypeScript line", async () => {
  const root = tempDir();
  const source = path.join(root, 'thrower.ts');
  fs.writeFileSync(
    source,
    ['// line 1', 'export function fail(): never {', "  throw new Error('x');", '}', ''].join('\n'),
  );
  const bundle = path.join(root, 'thrower.js');
  const options = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'silent',
  } as const;
  await build({ ...options, entryPoints: [source], outfile: bundle });
  // A plain node (no tsx loader) loads the bundle as the extension host does; the stack text is written by
  // hand because Node would map a real one itself, which the extension host's own prepareStackTrace does not.
  const probe = path.join(root, 'probe.ts');
  fs.writeFileSync(
    probe,
    [
      `import * as fs from 'node:fs';`,
      `import { mapStackToSources } from ${JSON.stringify(path.join(__dirname, 'sourceMappedStack'))};`,
      `process.setSourceMapsEnabled(true);`,
      `require(process.argv[2]); // not a literal, so esbuild leaves it to Node`,
      `const lines = fs.readFileSync(${JSON.stringify(bundle)}, 'utf8').split('\\n');`,
      `const row = lines.findIndex((line) => line.includes('throw new Error'));`,
      `const column = lines[row].indexOf('new') + 1;`,
      `console.log(mapStackToSources('Error: x\\n    at fail (' + ${JSON.stringify(bundle)} + ':' + (row + 1) + ':' + column + ')'));`,
    ].join('\n'),
  );
  await build({ ...options, entryPoints: [probe], outfile: path.join(root, 'probe.js') });
  const mapped = execFileSync(process.execPath, [path.join(root, 'probe.js'), bundle], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.match(mapped, /at fail \(thrower\.ts:3:9\)/);
  fs.rmSync(root, { recursive: true, force: true });
});

test('killing a process group ends every member, grandchildren included', async () => {
  // A shell in its own group that starts a grandchild: the shape of code-server and its extension hosts.
  const child = spawn('sh', ['-c', 'sleep 60 & sleep 60'], { detached: true, stdio: 'ignore' });
  // The shell and its two sleeps: the group is complete once all three exist.
  await waitFor('the shell and both sleeps', () => processGroupMembers(child.pid!).length === 3, 10_000);
  await killProcessGroup(child);
  assert.deepEqual(processGroupMembers(child.pid!), []);
});
