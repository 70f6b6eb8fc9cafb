// Fault injection for the tests of the epoch's write sequence: `MLA_FAULT_AFTER=<step>@<epoch>` makes the
// trainer die abruptly (SIGKILL, no cleanup, no finally) right after that step of that epoch (from whichever thread makes it), as a power
// cut or an OOM kill would. Unset, this is one string comparison per step.

/** The epoch's writes, in the order the trainer makes them (checkpoint and prune in the checkpoint worker). */
export const EPOCH_WRITE_STEPS = ['fusion', 'metrics', 'checkpoint', 'prune'] as const;
export type EpochWriteStep = (typeof EPOCH_WRITE_STEPS)[number];

export const FAULT_ENV = 'MLA_FAULT_AFTER';

/** Kills this process when `MLA_FAULT_AFTER` names this step of this (1-based) epoch. */
export function faultPoint(step: EpochWriteStep, epoch: number): void {
  if (process.env[FAULT_ENV] === `${step}@${epoch}`) process.kill(process.pid, 'SIGKILL');
}
