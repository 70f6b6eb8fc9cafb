// When a seed group this window launched has ended: one line in the output channel, the same as the CLI's,
// and a notification with it that opens the comparison or the dashboard. Failures name the seed and the reason.

import * as vscode from 'vscode';
import { readRun, type RunInfo } from '../core/runs/reader';
import { seedGroupLine } from '../core/runs/seed-line';
import { COMMANDS } from './commandIds';
import { runLabel } from './runView';

const COMPARE = 'Compare Seeds';
const DASHBOARD = 'Open Dashboard';
const LOG = 'Show Log';

/** The output line for a group's run folders: the seeds' summary, then each failure with its reason. */
export function seedGroupMessage(runs: RunInfo[]): string {
  const done = runs.filter((r) => r.displayState === 'completed' && r.summary !== null);
  const order = runs.map((r) => r.resolved?.mla.order).find((o) => o !== undefined) ?? [];
  const parts =
    done.length > 0
      ? [
          seedGroupLine(
            done.map((r) => r.summary!),
            order,
          ),
        ]
      : [];
  for (const run of runs) {
    const state = run.displayState;
    if (state === 'failed' || state === 'stale')
      parts.push(`${runLabel(run)} ${state}: ${run.reason ?? run.error ?? 'see the log'}`);
  }
  return parts.join('; ');
}

export async function announceSeedGroup(runDirs: string[], output: vscode.OutputChannel): Promise<void> {
  const runs = await Promise.all(runDirs.map((dir) => readRun(dir)));
  if (runs.length === 0) return;
  const line = seedGroupMessage(runs);
  if (line === '') return;
  output.appendLine(line);
  const name = runs[0].name ?? runs[0].id;
  const failed = runs.some((r) => r.displayState === 'failed' || r.displayState === 'stale');
  const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  // Seeds to compare only when some finished; the log first when one failed (it holds the trainer's words).
  const anyDone = runs.some((r) => r.displayState === 'completed');
  const actions = [...(failed ? [LOG] : []), ...(anyDone ? [COMPARE] : []), DASHBOARD];
  const pick = await show(`MLA ${name}: ${line}`, ...actions);
  if (pick === LOG) output.show(true);
  const first = runs[0];
  if (pick === COMPARE)
    await vscode.commands.executeCommand(COMMANDS.compareSeeds, { kind: 'run', run: first });
  if (pick === DASHBOARD)
    await vscode.commands.executeCommand(COMMANDS.openDashboard, { kind: 'run', run: first });
}
