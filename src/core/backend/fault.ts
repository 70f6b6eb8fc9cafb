// A backend failure that arrives outside any call (a GPU device lost, an out-of-memory error raised by the
// driver): recorded here when it happens, so that the training loop can end the run `failed` with this one-line
// reason at the next batch instead of with whatever the next kernel throws.

let fault: string | null = null;

/** Keeps the first fault: later ones are usually consequences of it. */
export function reportBackendFault(reason: string): void {
  fault ??= reason;
}

export function backendFault(): string | null {
  return fault;
}

/** A new backend is in use (or a test starts over): earlier faults belong to the old one. */
export function clearBackendFault(): void {
  fault = null;
}

/** Thrown by the training loop when it finds a fault; its message is the one-line reason. */
export class BackendFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendFault';
  }
}
