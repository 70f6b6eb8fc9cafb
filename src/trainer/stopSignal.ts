// SIGINT/SIGTERM ask the running training to stop at the next batch boundary (it checkpoints and exits 0);
// a second signal means "now": the process exits at once and the last epoch's checkpoint remains.

export interface StopSignal {
  readonly requested: boolean;
  dispose(): void;
}

export function listenForStop(
  onFirst: (signal: string) => void,
  onSecond: (signal: string) => void,
): StopSignal {
  let requested = false;
  const handler = (signal: NodeJS.Signals) => {
    if (requested) {
      onSecond(signal);
      return;
    }
    requested = true;
    onFirst(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
