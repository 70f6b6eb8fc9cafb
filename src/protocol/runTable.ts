// Messages between the extension host and the run table webview. As with the dashboard, what the webview
// sends is declared as codecs and decoded before the host acts on it, and the run folders it names must be
// runs the table was sent; what the host sends is typed.

import type { TableRun } from '../shared/runTable/types';
import * as c from './codec';
import { LIMITS, safeFileName } from './dashboard';

export type { TableRun } from '../shared/runTable/types';

export type HostToRunTable =
  /** Every run the table shows, sent whole on open and again (debounced) when run folders change. */
  { type: 'runs'; runs: TableRun[] } | { type: 'notice'; level: 'info' | 'error'; message: string };

/** A selection the webview may act on at once: more would be a comparison nobody can read. */
export const MAX_PICKED_RUNS = 1000;

const runDirs = c.refine(
  c.array(c.string, MAX_PICKED_RUNS),
  (dirs) => dirs.length > 0,
  'at least one run folder',
);

const runTableToHost = c.tagged({
  ready: c.object({}),
  /** The webview drew `rows` rows (the integration tests wait for it). */
  rendered: c.object({ rows: c.integer(0) }),
  openDashboard: c.object({ runDirs }),
  compareSeeds: c.object({ runDirs }),
  exportCsv: c.object({
    fileName: c.refine(c.string, (v) => safeFileName(v) !== null, 'a plain file name'),
    content: c.refine(
      c.string,
      (v) => v.length <= LIMITS.textBytes,
      `at most ${LIMITS.textBytes} characters`,
    ),
  }),
});

export type RunTableToHost = c.Infer<typeof runTableToHost>;

/** The message when the host understands it and every run folder it names is one the table shows; else null. */
export function parseRunTableMessage(value: unknown, known: ReadonlySet<string>): RunTableToHost | null {
  const decoded = c.decode(runTableToHost, value);
  if (!decoded.ok) return null;
  const message = decoded.value;
  if ('runDirs' in message && !message.runDirs.every((d) => known.has(d))) return null;
  return message;
}
