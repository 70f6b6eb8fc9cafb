// The extension host installs its own Error.prepareStackTrace, so Node's --enable-source-maps never
// rewrites stack traces there; failures would point into the bundled suites. This maps each frame through
// the bundles' inline source maps by hand, so a failure names the suite's TypeScript line.
import { findSourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const FRAME_LOCATION = /((?:file:\/\/)?[^\s():]+\.js):(\d+):(\d+)/g;

function toPath(location: string): string {
  return location.startsWith('file://') ? fileURLToPath(location) : location;
}

/**
 * `stack` with every `file.js:line:column` that has a source map replaced by the original location.
 * Relative frame paths are tried against `knownFiles` (e.g. the suite files mocha loaded).
 */
export function mapStackToSources(stack: string, knownFiles: readonly string[] = []): string {
  return stack.replace(FRAME_LOCATION, (whole, location: string, line: string, column: string) => {
    const file = toPath(location);
    const candidates = path.isAbsolute(file)
      ? [file]
      : [...knownFiles.filter((known) => known.endsWith(path.sep + file)), path.resolve(file)];
    for (const candidate of candidates) {
      const entry = findSourceMap(candidate)?.findEntry(Number(line) - 1, Number(column) - 1);
      if (entry && 'originalSource' in entry && entry.originalSource) {
        const source = path.relative(process.cwd(), toPath(entry.originalSource));
        return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      }
    }
    return whole;
  });
}
