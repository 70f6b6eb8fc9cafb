// Runs mocha suites inside the VS Code extension host. The host exits 0 whatever the suites did, so the
// result travels as one console line, `N passed, N failed`, that the drivers (runOffline, runElectron) read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { mapStackToSources } from './sourceMappedStack';

/** The closing line every driver waits for; one and only one per run. */
export const RESULT_LINE = /^(\d+) passed, (\d+) failed$/m;

export function formatResultLine(passed: number, failed: number): string {
  return `${passed} passed, ${failed} failed`;
}

/** Files under `root` whose path relative to it matches `pattern` (a glob with `*` and `**`). */
export function findSuiteFiles(root: string, pattern: string): string[] {
  const matcher = globToRegExp(pattern);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (matcher.test(path.relative(root, full).split(path.sep).join('/'))) found.push(full);
    }
  };
  walk(root);
  return found.sort();
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, including none.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Prints one line per test as it finishes, each failure's error after it, and the closing line. */
class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      passed++;
      console.log(`  ✓ ${test.fullTitle()} (${test.duration ?? 0} ms)`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error: Error) => {
      failed++;
      console.log(`  ✗ ${test.fullTitle()}`);
      console.log(indent(mapStackToSources(error.stack ?? String(error), test.file ? [test.file] : [])));
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      console.log(formatResultLine(passed, failed));
    });
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

/**
 * Runs every file under `testsRoot` matching `pattern` with mocha's bdd interface (`describe`/`it`, imported
 * from 'mocha'). Resolves when all passed; rejects when any failed or when no suite file matched, so an
 * empty run never reads as a green one.
 */
export async function runSuites(testsRoot: string, pattern: string): Promise<void> {
  const files = findSuiteFiles(testsRoot, pattern);
  if (files.length === 0) {
    console.log(formatResultLine(0, 1));
    throw new Error(`no suite file under ${testsRoot} matches ${pattern}`);
  }
  // Keeps the suites' inline source maps when they load, for mapStackToSources.
  process.setSourceMapsEnabled(true);
  const grep = process.env.MLA_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: LineReporter,
    // Long enough for a short training run; the driver's own --timeout bounds the whole run anyway.
    timeout: Number(process.env.MLA_TEST_TIMEOUT_MS ?? 120_000),
    ...(grep ? { grep } : {}),
  });
  for (const file of files) mocha.addFile(file);
  console.log(`running ${files.length} suite file(s) from ${testsRoot}`);
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}
