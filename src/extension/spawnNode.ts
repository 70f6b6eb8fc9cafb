// The one way the extension starts a child process: the trainer script under the chosen Node.js runtime
// (never the extension host itself), stdout and stderr piped, no console window on Windows.

import { spawn, type ChildProcess } from 'node:child_process';
import { relaxedSimdFlags } from '../core/backend/relaxed-simd-flags';
import type { NodeRuntime } from './nodeRuntime';

export interface SpawnNodeOptions {
  /**
   * Its own process group, outliving the window: a reload (which restarts the extension host) must not
   * take a training run down with it.
   */
  detached?: boolean;
  /** Variables added to the child's environment. */
  env?: Readonly<Record<string, string>>;
}

export function spawnNode(
  runtime: NodeRuntime,
  script: string,
  args: readonly string[],
  options: SpawnNodeOptions = {},
): ChildProcess {
  const child = spawn(runtime.command, [...relaxedSimdFlags(runtime.version), script, ...args], {
    env: { ...process.env, ...runtime.env, ...options.env },
    detached: options.detached === true,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  if (options.detached) child.unref();
  return child;
}

/** The command line as a person would type it, for the log. */
export function commandLine(runtime: NodeRuntime, script: string, args: readonly string[]): string {
  return [runtime.command, ...relaxedSimdFlags(runtime.version), script, ...args].join(' ');
}
