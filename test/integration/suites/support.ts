// Helpers for suites that run inside the extension host: the extension's API, polling, files of the test
// workspace (prepared by test/integration/run.ts: the example project with small configs).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlaStudioApi } from '../../../src/extension/extension';
import type { RunInfo } from '../../../src/core/runs/reader';

export { waitFor } from '../../support/waitFor';

export const EXTENSION_ID = 'mla-studio.mla-studio';

export async function api(): Promise<MlaStudioApi> {
  const ext = vscode.extensions.getExtension<MlaStudioApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this window`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has no workspace folder');
  return folder.uri.fsPath;
}

export function workspaceFile(...parts: string[]): string {
  return path.join(workspaceDir(), ...parts);
}

/** Writes a config next to the example's data: the example model with the given changes. */
export function writeConfig(name: string, patch: Record<string, unknown>): vscode.Uri {
  const base = JSON.parse(fs.readFileSync(workspaceFile('example-mla.mla.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const training = { ...(base.training as object), ...((patch.training as object) ?? {}) };
  const config = { ...base, ...patch, name, training };
  const file = workspaceFile(`${name}.mla.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return vscode.Uri.file(file);
}

export function runsOf(mla: MlaStudioApi, configName: string): RunInfo[] {
  return mla.store.all.filter((r) => r.name === configName);
}

/** The run explorer as text rows (`label | description | icon | contextValue`), depth-first. */
export async function treeRows(mla: MlaStudioApi): Promise<string[]> {
  const rows: string[] = [];
  const walk = async (
    node: Parameters<typeof mla.tree.getTreeItem>[0] | undefined,
    depth: number,
  ): Promise<void> => {
    const children = await mla.tree.getChildren(node);
    for (const child of children ?? []) {
      const item = await mla.tree.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
      rows.push(
        `${'  '.repeat(depth)}${label} | ${item.description ?? ''} | ${icon} | ${item.contextValue ?? ''}`,
      );
      await walk(child, depth + 1);
    }
  };
  await walk(undefined, 0);
  return rows;
}
