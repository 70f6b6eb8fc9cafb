// Quick fixes for `*.mla.json` where the fix is knowable (the validator attaches them: a misspelt modality →
// the dataset's names, a misspelt key → the known one, modalities missing from mla.order → add them), and
// "Insert the missing defaults" for the object at the cursor.

import * as vscode from 'vscode';
import { insertDefaultsFix } from '../core/config/defaultsFix';
import type { DiagnosticFix } from '../core/config/types';
import { DIAGNOSTIC_SOURCE, isDatasetManifest, toRange, type ConfigDiagnostics } from './configDiagnostics';

export const CREATE_SPLITS_COMMAND = 'mla.createSplits';
export const INSERT_DEFAULTS_KIND = vscode.CodeActionKind.RefactorRewrite.append('mla.insertDefaults');

export class ConfigCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, INSERT_DEFAULTS_KIND],
  };

  constructor(private readonly diagnostics: ConfigDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      this.diagnostics.fixesFor(document.uri, diagnostic).forEach((fix, i) => {
        const action = toAction(document.uri, fix, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        actions.push(action);
      });
    }
    if (isDatasetManifest(document)) {
      const noSplits = context.diagnostics.find(
        (d) => d.source === DIAGNOSTIC_SOURCE && d.message.endsWith("missing required key 'splits'"),
      );
      if (noSplits) {
        // Writing files is no text edit: the command writes them, then edits the manifest.
        const action = new vscode.CodeAction(
          'Create a stratified 80/20 train/test split',
          vscode.CodeActionKind.QuickFix,
        );
        action.diagnostics = [noSplits];
        action.command = { command: CREATE_SPLITS_COMMAND, title: action.title, arguments: [document.uri] };
        actions.push(action);
      }
      return actions; // a dataset.json has no defaults to insert
    }
    const defaults = insertDefaultsFix(document.getText(), document.offsetAt(range.start));
    if (defaults) actions.push(toAction(document.uri, defaults, INSERT_DEFAULTS_KIND));
    return actions;
  }
}

function toAction(uri: vscode.Uri, fix: DiagnosticFix, kind: vscode.CodeActionKind): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, kind);
  action.edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) action.edit.replace(uri, toRange(e.range), e.newText);
  return action;
}
