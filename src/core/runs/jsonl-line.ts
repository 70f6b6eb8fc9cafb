// One line of a JSON-lines file. Every record this project writes is a JSON object, so anything else on a
// line (bad JSON, a bare number, an array) counts as a corrupt line.

/** The parsed object, or `undefined` for a corrupt line. Blank lines are the caller's business. */
export function parseJsonLine(line: string): object | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export const NEWLINE = 0x0a;

/** Strips a Windows `\r` so files edited on Windows still parse. */
export function lineText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
