// Import this first in a unit test of extension code: from then on `import 'vscode'` (in the code under
// test) loads the stand-in of ./vscodeFake, in the way DVC's extension tests mock the module. The test drives
// and inspects the stand-in through `editor`.

import Module from 'node:module';
import * as path from 'node:path';

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = loader._resolveFilename;
const FAKE = path.join(__dirname, 'vscodeFake.ts');

loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? FAKE : resolveFilename.call(this, request, ...rest);
};

export { editor } from './vscodeFake';
