// MLA: Run Sweep: runs `mla sweep <file> --json` in a trainer-side process (the extension host never trains)
// and shows its trials done / running / queued / failed in a notification with Cancel and in the status bar.
// Cancel sends SIGTERM: locally every trial checkpoints and stops; on Slurm the sweep's jobs are scancel'ed.

import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { decodeSweepEvent, type SweepEvent } from '../protocol/sweepEvents';
import { NodeNotFoundError, resolveNodeRuntime } from './nodeRuntime';
import { readSettings, runsDirFor, slurmFlags, slurmSettings, sweepExecutorSetting } from './settings';

export type SweepExecutorChoice = 'local' | 'slurm';

export class SweepRunner implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 90);

  constructor(
    private readonly trainerScript: string,
    private readonly output: vscode.OutputChannel,
    private readonly onTrialsChanged: () => void,
  ) {}

  async run(sweepFile: vscode.Uri, executor: SweepExecutorChoice): Promise<number | null> {
    let runtime;
    try {
      runtime = await resolveNodeRuntime(readSettings(sweepFile).nodePath);
    } catch (error) {
      if (!(error instanceof NodeNotFoundError)) throw error;
      void vscode.window.showErrorMessage(`MLA: ${error.message}`);
      return null;
    }
    const args = [this.trainerScript, 'sweep', sweepFile.fsPath, '--executor', executor, '--json'];
    const runsDir = runsDirFor(sweepFile);
    if (runsDir) args.push('--runs-dir', runsDir);
    if (executor === 'slurm') args.push('--wait', ...slurmFlags(slurmSettings(sweepFile)));
    this.output.appendLine(`$ ${runtime.command} ${args.join(' ')}`);
    const child = spawn(runtime.command, args, {
      env: { ...process.env, ...runtime.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const name = vscode.workspace.asRelativePath(sweepFile);
    const failures: string[] = [];
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLA sweep ${name}`, cancellable: true },
      (progress, token) =>
        new Promise<number | null>((resolve) => {
          let done = 0;
          token.onCancellationRequested(() => child.kill('SIGTERM'));
          readline
            .createInterface({ input: child.stderr! })
            .on('line', (line) => this.output.appendLine(line));
          readline.createInterface({ input: child.stdout! }).on('line', (line) => {
            const event = decodeSweepEvent(line);
            if (!event) return this.output.appendLine(line);
            this.output.appendLine(describe(event));
            if (event.type === 'sweep-progress') {
              const text = `${event.completed}/${event.total} done · ${event.running} running · ${event.queued} queued · ${event.failed} failed`;
              const increment = event.total > 0 ? (100 * (event.completed - done)) / event.total : 0;
              done = event.completed;
              progress.report({ message: text, increment });
              this.status.text = `$(beaker) sweep ${text}`;
              this.status.tooltip = `MLA sweep ${name}`;
              this.status.show();
              this.onTrialsChanged();
            } else if (event.type === 'sweep-trial-failed') {
              failures.push(`trial ${event.index}${event.reason ? `: ${event.reason}` : ''}`);
            }
          });
          child.on('error', (error) => {
            this.output.appendLine(`could not start the sweep: ${error.message}`);
            resolve(null);
          });
          child.on('close', (code) => {
            this.status.hide();
            this.onTrialsChanged();
            if (code === 2) {
              void vscode.window.showErrorMessage(
                `MLA: ${name} has errors (see the MLA Studio output); nothing started.`,
              );
            } else if (failures.length > 0) {
              void vscode.window.showWarningMessage(
                `MLA sweep ${name}: ${failures.length} failed (${failures[0]}${failures.length > 1 ? ', …' : ''}).`,
              );
            } else if (code === 0) {
              void vscode.window.showInformationMessage(`MLA sweep ${name}: every trial completed.`);
            }
            resolve(code);
          });
        }),
    );
  }

  dispose(): void {
    this.status.dispose();
  }
}

function describe(event: SweepEvent): string {
  switch (event.type) {
    case 'sweep-started':
      return `sweep ${event.sweepId}: ${event.total} trials, ${event.toRun} to run (${event.executor})`;
    case 'sweep-progress':
      return `sweep ${event.sweepId}: ${event.completed}/${event.total} completed, ${event.running} running, ${event.queued} queued, ${event.stopped} stopped, ${event.failed} failed`;
    case 'sweep-stopping':
      return 'sweep: stopping every trial';
    case 'sweep-submitted':
      return `sweep ${event.sweepId}: submitted`;
    case 'sweep-trial-failed':
      return `trial ${event.index} failed${event.reason ? `: ${event.reason}` : ''}${event.stderrFile ? `; stderr: ${event.stderrFile}` : ''}`;
    case 'sweep-best':
      return `best: trial ${event.index}, ${event.value}`;
  }
}

/** The executor: the `mla.sweep.executor` setting, or asked when it is `ask`. */
export async function chooseExecutor(scope: vscode.Uri): Promise<SweepExecutorChoice | undefined> {
  const setting = sweepExecutorSetting(scope);
  if (setting !== 'ask') return setting;
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'local', description: 'trainer processes on this machine', value: 'local' as const },
      {
        label: 'slurm',
        description: 'one sbatch array job (run on the cluster’s login node)',
        value: 'slurm' as const,
      },
    ],
    { placeHolder: 'Run the sweep where?' },
  );
  return pick?.value;
}

/** The active editor's sweep file, else one picked from the workspace's `*.sweep.json`. */
export async function pickSweepFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.fsPath.endsWith('.sweep.json')) return active;
  const files = await vscode.workspace.findFiles('**/*.sweep.json', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('MLA: no *.sweep.json in this workspace.');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Run which sweep?' },
  );
  return pick?.uri;
}
