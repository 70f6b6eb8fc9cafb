// Entry point VS Code loads from `extensionTestsPath`: it calls `run()` and waits for its promise.
// buildSuites.mjs bundles this beside a `suites/` folder of bundled `*.test.js` files.
import * as path from 'node:path';
import { runSuites } from './mochaIndex';

export function run(): Promise<void> {
  return runSuites(path.join(__dirname, 'suites'), process.env.MLA_TEST_PATTERN ?? '**/*.test.js');
}
