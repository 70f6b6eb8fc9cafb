// Training keeps the main thread busy: its steps are synchronous, and awaiting a promise that is already
// settled runs as a microtask, which does not let the event loop run. Signals (a Stop's SIGTERM, Ctrl-C) and
// worker messages arrive in the loop's poll phase, so a loop of long steps passes through one on purpose.

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Resolves once the event loop has been through its poll phase (≈ 2–4 µs when nothing is pending, measured).
 * One setImmediate is not enough: called from the poll phase (after a file write's callback, say) it runs in
 * the same iteration's check phase, which comes after poll; the second one, scheduled from check, runs in the
 * next iteration, after its poll.
 */
export async function eventLoopTurn(): Promise<void> {
  await immediate();
  await immediate();
}
