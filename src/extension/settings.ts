// The extension's settings (package.json `contributes.configuration`), read fresh at each use so that a
// change applies to the next run without a reload.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice } from '../core/config/types';
import type { SlurmOptions } from '../core/sweep/types';

export interface MlaSettings {
  /** Empty: the `node` on PATH, then the editor's own runtime. */
  nodePath: string;
  /** Relative to each workspace folder, or absolute. */
  runsDirectory: string;
  maxParallelRuns: number;
  defaultBackend: BackendChoice;
}

export function readSettings(scope?: vscode.Uri): MlaSettings {
  const c = vscode.workspace.getConfiguration('mla', scope);
  return {
    nodePath: c.get<string>('nodePath', '').trim(),
    runsDirectory: c.get<string>('runsDirectory', '.mla/runs').trim() || '.mla/runs',
    maxParallelRuns: Math.max(1, Math.floor(c.get<number>('maxParallelRuns', 2))),
    defaultBackend: c.get<BackendChoice>('defaultBackend', 'auto'),
  };
}

/** The runs folder of the workspace folder that holds `uri` (the first folder when it is outside all). */
export function runsDirFor(uri: vscode.Uri | undefined): string | null {
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return null;
  const dir = readSettings(folder.uri).runsDirectory;
  return path.isAbsolute(dir) ? dir : path.join(folder.uri.fsPath, dir);
}

/** Every configured runs folder, one per workspace folder. */
export function allRunsDirs(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => {
    const dir = readSettings(folder.uri).runsDirectory;
    return path.isAbsolute(dir) ? dir : path.join(folder.uri.fsPath, dir);
  });
}

/** `mla.sweep.executor`: where MLA: Run Sweep runs a sweep, or `ask`. */
export function sweepExecutorSetting(scope?: vscode.Uri): 'ask' | 'local' | 'slurm' {
  const value = vscode.workspace.getConfiguration('mla', scope).get<string>('sweep.executor', 'ask');
  return value === 'local' || value === 'slurm' ? value : 'ask';
}

/** `mla.slurm.*`: the Slurm options a sweep file leaves out; empty settings say nothing. */
export function slurmSettings(scope?: vscode.Uri): SlurmOptions {
  const c = vscode.workspace.getConfiguration('mla', scope);
  const text = (key: string) => c.get<string>(key, '').trim() || undefined;
  const lines = (key: string) => {
    const value = c.get<string[]>(key, []).filter((l) => typeof l === 'string' && l.trim() !== '');
    return value.length > 0 ? value : undefined;
  };
  const gpus = Math.floor(c.get<number>('slurm.gpus', 0));
  return {
    partition: text('slurm.partition'),
    time: text('slurm.time'),
    mem: text('slurm.mem'),
    gpus: gpus > 0 ? gpus : undefined,
    sbatch: lines('slurm.sbatch'),
    setup: lines('slurm.setup'),
  };
}

/** The same options as `mla sweep` flags (what Run Sweep passes to the CLI). */
export function slurmFlags(options: SlurmOptions): string[] {
  const flags: string[] = [];
  if (options.partition) flags.push('--partition', options.partition);
  if (options.time) flags.push('--time', options.time);
  if (options.mem) flags.push('--mem', options.mem);
  if (options.gpus !== undefined) flags.push('--gpus', String(options.gpus));
  for (const line of options.sbatch ?? []) flags.push(`--sbatch=${line}`);
  for (const line of options.setup ?? []) flags.push(`--setup=${line}`);
  return flags;
}
