// Saving what the dashboard exports (a table as CSV or Markdown, a chart as PNG): the webview builds the
// content, the host asks where to put it (or copies it) and writes it. Only the host touches the disk.

import * as vscode from 'vscode';
import type { ExportFormat } from '../../protocol/dashboard';

/** Asks where to save `fileName`; replaceable so tests can save without a dialog. */
export type SaveTargetPicker = (
  fileName: string,
  filters: Record<string, string[]>,
) => Thenable<vscode.Uri | undefined>;

export const saveDialogPicker: SaveTargetPicker = (fileName, filters) => {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters,
    title: `Save ${fileName}`,
  });
};

const TEXT_FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  csv: { CSV: ['csv'] },
  markdown: { Markdown: ['md'] },
  latex: { LaTeX: ['tex'] },
};

const FORMAT_NAMES: Record<ExportFormat, string> = { csv: 'CSV', markdown: 'Markdown', latex: 'LaTeX' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Returns what happened, for the webview's notice: the saved path, "copied", or null (dialog cancelled). */
export async function exportText(
  pick: SaveTargetPicker,
  format: ExportFormat,
  action: 'save' | 'copy',
  fileName: string,
  content: string,
): Promise<string | null> {
  if (action === 'copy') {
    await vscode.env.clipboard.writeText(content);
    return `Copied the table as ${FORMAT_NAMES[format]}.`;
  }
  const uri = await pick(fileName, TEXT_FILTERS[format]);
  if (!uri) return null;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  return `Saved ${uri.fsPath}`;
}

export async function exportPng(
  pick: SaveTargetPicker,
  fileName: string,
  dataUrl: string,
): Promise<string | null> {
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('the chart image is not a PNG');
  const uri = await pick(fileName, { PNG: ['png'] });
  if (!uri) return null;
  await vscode.workspace.fs.writeFile(uri, bytes);
  return `Saved ${uri.fsPath}`;
}
