// Bundles extension test suites for the extension host: every `*.test.ts` in a suites folder becomes
// `<out>/suites/<name>.test.js`, and suiteIndex.ts becomes `<out>/index.js`, the module VS Code loads from
// `extensionTestsPath`. CommonJS for Node 20; `vscode` is provided by the host and `mocha` stays external so
// the index and every suite share one mocha instance (resolved from the repo's node_modules, which is why the
// default output folder sits inside the repo).
//
//   node test/integration/harness/buildSuites.mjs [--suites DIR] [--out DIR] [--only NAME.test.ts]...
//
// Defaults: --suites test/integration/suites, --out out/integration.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(harnessDir, '../../..');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

/**
 * @param {{ suitesDir?: string, outDir?: string, only?: string[] }} options
 * @returns {Promise<{ index: string, suites: string[] }>} absolute paths of what was written
 */
export async function buildSuites(options = {}) {
  const suitesDir = path.resolve(repoRoot, options.suitesDir ?? 'test/integration/suites');
  const outDir = path.resolve(repoRoot, options.outDir ?? 'out/integration');
  if (!fs.existsSync(suitesDir)) throw new Error(`buildSuites: no suites folder at ${suitesDir}`);
  let names = fs.readdirSync(suitesDir).filter((name) => name.endsWith('.test.ts'));
  if (options.only && options.only.length > 0) {
    const missing = options.only.filter((name) => !names.includes(name));
    if (missing.length > 0) throw new Error(`buildSuites: ${missing.join(', ')} not found in ${suitesDir}`);
    names = options.only;
  }
  if (names.length === 0) throw new Error(`buildSuites: no *.test.ts file in ${suitesDir}`);

  // A stale suite from an earlier build would otherwise still run.
  fs.rmSync(path.join(outDir, 'suites'), { recursive: true, force: true });
  const entryPoints = Object.fromEntries(
    names.map((name) => [`suites/${name.replace(/\.ts$/, '')}`, path.join(suitesDir, name)]),
  );
  entryPoints.index = path.join(harnessDir, 'suiteIndex.ts');
  await build({ ...common, entryPoints, outdir: outDir });
  return {
    index: path.join(outDir, 'index.js'),
    suites: names.map((name) => path.join(outDir, 'suites', name.replace(/\.ts$/, '.js'))),
  };
}

/** Bundles one extension entry (e.g. a fixture's `src/extension.ts`) to a CommonJS file. */
export async function buildExtensionEntry(entry, outfile) {
  await build({
    ...common,
    entryPoints: [path.resolve(repoRoot, entry)],
    outfile: path.resolve(repoRoot, outfile),
  });
}

function parseArgs(argv) {
  const options = { only: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`buildSuites: ${flag} needs a value`);
    if (flag === '--suites') options.suitesDir = value;
    else if (flag === '--out') options.outDir = value;
    else if (flag === '--only') options.only.push(value);
    else throw new Error(`buildSuites: unknown option ${flag} (expected --suites, --out, --only)`);
    i++;
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = await buildSuites(parseArgs(process.argv.slice(2)));
    console.log(`built ${result.suites.length} suite(s) and ${path.relative(repoRoot, result.index)}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
