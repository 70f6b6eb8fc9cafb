// The extension's settings (package.json `contributes.configuration`), read fresh at each use so that a
// change applies to the next run without a reload.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice } from '../core/config/types';

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
