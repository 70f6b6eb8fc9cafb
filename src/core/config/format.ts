// The one-line form of a diagnostic that `mla validate` prints and editors' problem matchers understand.

import type { Diagnostic } from './types';

/** `file:line:col: severity: message`, with 1-based line and column. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`;
}
