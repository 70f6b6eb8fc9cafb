// Who a process is, beyond its pid: pids are reused, and a run folder can be copied from a machine with the
// same host name. A process is the same one only on the same host, in the same boot (Linux's boot id), with
// the same start time (field 22 of /proc/<pid>/stat, in clock ticks since boot). Where /proc is missing
// (macOS, Windows) only the host and the pid can be compared.

import * as fs from 'node:fs';
import * as os from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id, or null where there is none. */
  bootId: string | null;
  /** Start time of the process in clock ticks since boot, or null where /proc is missing. */
  processStart: string | null;
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readSmall(file: string): string | null {
  try {
    // /proc files report size 0, so read them directly; they are a few hundred bytes.
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function currentBootId(): string | null {
  return readSmall('/proc/sys/kernel/random/boot_id')?.trim() || null;
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function processStartOf(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const stat = readSmall(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

export function ownIdentity(): ProcessIdentity {
  return {
    pid: process.pid,
    host: os.hostname(),
    bootId: currentBootId(),
    processStart: processStartOf(process.pid),
  };
}

/**
 * `same`: that process is running here now. `gone`: it ran on this machine and is not running any more
 * (dead, or its pid now belongs to another process, or the machine rebooted). `elsewhere`: another host,
 * which this machine cannot check.
 */
export type IdentityCheck = 'same' | 'gone' | 'elsewhere';

export function checkIdentity(who: Partial<ProcessIdentity>, hostname = os.hostname()): IdentityCheck {
  if (who.host !== hostname) return 'elsewhere';
  const pid = who.pid ?? -1;
  const bootId = currentBootId();
  if (who.bootId && bootId && who.bootId !== bootId) return 'gone';
  if (!isProcessAlive(pid)) return 'gone';
  if (who.processStart) {
    const start = processStartOf(pid);
    if (start !== null && start !== who.processStart) return 'gone';
  }
  return 'same';
}
