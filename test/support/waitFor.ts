// The one way tests wait: on a condition, re-checked until it holds or a generous time-out says what never
// happened. Never a fixed sleep: a sleep is either too short on a busy machine or wasted time on an idle one.

export type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

export interface WaitOptions {
  /** How long before giving up (default 90 s). The time-out is a guard, not a measurement. */
  timeoutMs?: number;
  /** How often the probe runs (default 50 ms). */
  intervalMs?: number;
}

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

/** Resolves with the probe's first truthy value; rejects with a `WaitTimeout` naming `what` otherwise. */
export async function waitFor<T>(
  what: string,
  probe: Probe<T>,
  options: WaitOptions | number = {},
): Promise<T> {
  const { timeoutMs = 90_000, intervalMs = 50 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) {
      throw new WaitTimeout(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
