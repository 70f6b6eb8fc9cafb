// One wording of a backend attempt for the terminal, log.txt and `mla doctor`.
import type { BackendAttempt } from './types';

/** "webgpu on <adapter>: 3.2 ms/step" style figures of what `auto` measured ('' when nothing was). */
export function measuredFigures(tried: readonly BackendAttempt[]): string {
  return tried
    .filter((t) => t.msPerStep !== undefined)
    .map((t) => `${t.name} ${t.msPerStep} ms/step`)
    .join(', ');
}

/** log.txt's line for one attempt: whether it was used, the adapter, the measured step time, the reason. */
export function attemptLine(t: BackendAttempt): string {
  const adapter = t.adapter !== undefined ? ` on ${t.adapter}` : '';
  const figure = t.msPerStep !== undefined ? `, ${t.msPerStep} ms/step` : '';
  return `backend ${t.name}${adapter}: ${t.ok ? 'loaded' : 'not used'}${figure} (${t.reason})`;
}
