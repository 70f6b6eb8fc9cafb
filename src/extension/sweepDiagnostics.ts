// Inline validation of `*.sweep.json` while typing: the same expansion and validation as `mla sweep`, so an
// axis value that makes a bad config is marked where it is written, before anything starts.

import * as vscode from 'vscode';
import { planSweep } from '../core/sweep/plan';
import { DIAGNOSTIC_SOURCE, toRange } from './configDiagnostics';
import { runsDirFor } from './settings';

const DEBOUNCE_MS = 400;

export function isSweepFile(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && document.fileName.endsWith('.sweep.json');
}

export class SweepDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('mla-sweep');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isSweepFile(d)) this.collection.delete(d.uri);
      }),
    ];
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  async validate(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const generation = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, generation);
    const file = document.uri.fsPath;
    // The runs folder only names where trials would go; validation writes nothing.
    const { diagnostics } = await planSweep(document.getText(), file, runsDirFor(document.uri) ?? file);
    if (this.generation.get(key) !== generation) return;
    this.collection.set(
      document.uri,
      diagnostics.map((d) => {
        const inBase = d.file !== file;
        const v = new vscode.Diagnostic(
          inBase ? new vscode.Range(0, 0, 0, 0) : toRange(d.range),
          inBase
            ? `base config ${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`
            : d.message,
          d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        v.source = DIAGNOSTIC_SOURCE;
        v.code = d.pointer || '/';
        return v;
      }),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.collection.dispose();
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isSweepFile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(document);
      }, delay),
    );
  }
}
