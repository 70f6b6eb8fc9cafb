// One trainer child process (`node dist/trainer.js train … --json`): its event lines, its log in the
// output channel, and Stop (SIGTERM: the trainer checkpoints and exits) then Kill (SIGKILL) on a second Stop.

import type { ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { decodeTrainerEvent, type TrainerEvent } from '../protocol/trainerEvents';
import { THREADS_ENV } from '../core/backend/threads';
import { launchArgv, type TrainerLaunch } from '../protocol/trainerLaunch';
import type { NodeRuntime } from './nodeRuntime';
import { pct } from '../shared/format';
import { commandLine, spawnNode } from './spawnNode';

export type { TrainerLaunch } from '../protocol/trainerLaunch';

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class TrainerProcess implements vscode.Disposable {
  private readonly child: ChildProcess;
  private readonly events = new vscode.EventEmitter<TrainerEvent>();
  readonly onEvent = this.events.event;
  readonly exited: Promise<TrainerExit>;
  /** Known from the first `run-started` event (or from the launch, for a resume). */
  runDir: string | null;
  private stopRequests = 0;

  constructor(
    readonly launch: TrainerLaunch,
    trainerScript: string,
    runtime: NodeRuntime,
    private readonly output: vscode.OutputChannel,
    /** The kernel threads this run may use, when several train at once (backend/threads.ts). */
    threads?: number,
  ) {
    const args = launchArgv(launch);
    this.runDir = launch.kind === 'resume' ? launch.runDir : null;
    // Detached: the training outlives a window reload; the run folder tells the next window how it goes.
    const env = threads !== undefined ? { [THREADS_ENV]: String(threads) } : undefined;
    this.child = spawnNode(runtime, trainerScript, args, { detached: true, env });
    this.log(`$ ${commandLine(runtime, trainerScript, args)}`);
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => this.onStdout(line));
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => this.log(line));
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.log(`could not start the trainer: ${error.message}`);
        resolve({ code: null, signal: null });
      });
      this.child.on('exit', (code, signal) => {
        this.log(
          `trainer exited${code !== null ? ` with code ${code}` : ''}${signal ? ` by ${signal}` : ''}`,
        );
        resolve({ code, signal });
      });
    });
  }

  get label(): string {
    return this.launch.kind === 'train'
      ? `seed ${this.launch.seed}`
      : `resume ${this.launch.runDir.split(/[\\/]/).pop()}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** First call: graceful stop (checkpoint, status "stopped"). Second: kill now. */
  stop(): 'graceful' | 'kill' {
    this.stopRequests++;
    const signal = this.stopRequests === 1 ? 'SIGTERM' : 'SIGKILL';
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
    return signal === 'SIGTERM' ? 'graceful' : 'kill';
  }

  dispose(): void {
    this.events.dispose();
  }

  private onStdout(line: string): void {
    const event = decodeTrainerEvent(line);
    if (!event) {
      this.log(line);
      return;
    }
    if (event.type === 'run-started') {
      this.runDir = event.runDir;
      this.log(`run folder: ${event.runDir}`);
    } else if (event.type === 'diagnostic') {
      this.log(event.text);
    } else if (event.type === 'epoch') {
      const r = event.record;
      this.log(`epoch ${r.epoch}/${r.epochs}: val ${pct(r.val.fused)}, test ${pct(r.test.fused)}`);
    } else if (event.type === 'run-ended') {
      this.log(`${event.state}${event.error ? `: ${event.error}` : ''}`);
    } else if (event.type === 'backend') {
      this.log(`backend: ${event.name}`);
    }
    this.events.fire(event);
  }

  private log(line: string): void {
    this.output.appendLine(`[${this.label}] ${line}`);
  }
}
