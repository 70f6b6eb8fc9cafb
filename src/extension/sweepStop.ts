// Stop on a sweep's Slurm rows: a queued or running task is cancelled with scancel (Slurm signals the trainer,
// which checkpoints and ends "stopped"); the sweep's node cancels every task of the sweep, after asking.

import * as vscode from 'vscode';
import { runSlurm } from '../core/sweep/slurm/cli';
import { sweepJobIds } from '../core/sweep/sweeps';
import type { RunTreeNode } from './runTreeModel';
import type { SweepView } from './sweepStates';
import { hasActiveSlurmTasks } from './sweepTree';

export interface SlurmStopTargets {
  /** `<job id>_<task id>` of each queued or running task picked. */
  tasks: string[];
  /** Sweeps whose node was picked: all their jobs. */
  sweeps: SweepView[];
  /** Nodes Slurm has nothing to do with: stopped as ordinary runs. */
  rest: RunTreeNode[];
}

export function slurmStopTargets(nodes: RunTreeNode[]): SlurmStopTargets {
  const out: SlurmStopTargets = { tasks: [], sweeps: [], rest: [] };
  for (const node of nodes) {
    const report = node.kind === 'trial' ? node.report : node.kind === 'run' ? node.task : undefined;
    if (node.kind === 'config' && node.sweep && hasActiveSlurmTasks(node.sweep)) out.sweeps.push(node.sweep);
    else if (report?.slurmTask && (report.state === 'queued' || report.state === 'running'))
      out.tasks.push(report.slurmTask);
    else out.rest.push(node);
  }
  return out;
}

export const CONFIRM_CANCEL = 'Cancel Tasks';

/** scancel's the targets; a sweep only after the user confirms. Returns the ids cancelled. */
export async function stopSlurmTargets(
  targets: SlurmStopTargets,
  scancel: (ids: string[]) => Promise<unknown> = (ids) => runSlurm('scancel', ids),
): Promise<string[]> {
  const ids = [...targets.tasks];
  for (const sweep of targets.sweeps) {
    const c = sweep.counts;
    const answer = await vscode.window.showWarningMessage(
      `Cancel every Slurm task of sweep ${sweep.plan.name} (${c.running} running, ${c.queued} queued)? Running trials write a checkpoint; Run Sweep again resumes them.`,
      { modal: true },
      CONFIRM_CANCEL,
    );
    if (answer === CONFIRM_CANCEL) ids.push(...sweepJobIds(sweep.plan));
  }
  if (ids.length === 0) return [];
  try {
    await scancel(ids);
  } catch (error) {
    void vscode.window.showErrorMessage(`MLA: ${(error as Error).message}`);
    return [];
  }
  void vscode.window.showInformationMessage(
    `MLA: scancel ${ids.join(' ')}: Slurm stops the task${ids.length === 1 ? '' : 's'}; each running trial checkpoints first.`,
  );
  return ids;
}
