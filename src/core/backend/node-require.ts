// The sources run as CommonJS (tsx, and the trainer bundle esbuild builds), where `require` exists; the fallback
// only keeps an ES-module build from crashing at load.
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const nodeRequire: NodeJS.Require =
  typeof require === 'function' ? require : createRequire(path.join(process.cwd(), 'noop.js'));
