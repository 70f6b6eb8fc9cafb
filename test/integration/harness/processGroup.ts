// code-server and every extension host it forks share one process group; killing only the server leaves
// extension hosts running for hours, so the harness always signals the whole group.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { waitFor, WaitTimeout } from '../../support/waitFor';

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

function groupAlive(pid: number): boolean {
  return signalGroup(pid, 0);
}

/** SIGTERM to the group, then SIGKILL after `graceMs` if anything in it is still alive. */
export async function killProcessGroup(child: ChildProcess, graceMs = 2000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!signalGroup(pid, 'SIGTERM')) return;
  await waitFor('the group to end on SIGTERM', () => !groupAlive(pid), {
    timeoutMs: graceMs,
    intervalMs: 100,
  }).catch(ignoreTimeout);
  signalGroup(pid, 'SIGKILL');
  // SIGKILL is delivered at once but a process takes a moment to die: return only when none is left.
  await waitFor('the group to die on SIGKILL', () => processGroupMembers(pid).length === 0, {
    timeoutMs: 5000,
  }).catch(ignoreTimeout);
}

/** Past its grace period a group is killed anyway, so running out of time is not an error here. */
function ignoreTimeout(error: unknown): void {
  if (!(error instanceof WaitTimeout)) throw error;
}

/** Synchronous last resort for process 'exit' handlers, where nothing asynchronous runs any more. */
export function killProcessGroupNow(child: ChildProcess): void {
  if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
}

/** Processes whose command line mentions `marker` (a run's temp folder): what a leaky stop left behind. */
export function processesMentioning(marker: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let command: string;
    try {
      command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // exited while we looked
    }
    if (command.includes(marker)) found.push({ pid: Number(entry), command });
  }
  return found;
}

/** Pids whose process group is `pgid` (from /proc/PID/stat, field 5). */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie (state Z) has exited and only waits for its parent to read its status.
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
  }
  return members;
}
