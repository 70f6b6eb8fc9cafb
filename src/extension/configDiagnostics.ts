// Inline validation of `*.mla.json` and `dataset.json` while typing: the same validators as `mla validate` and
// the trainer's start-up, debounced, with the exact ranges they report. Fixes they attach are kept for the code
// actions. A config depends on files it does not contain (its manifest, the arrays), so a change to any of
// those revalidates every open config and manifest.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic, DiagnosticFix, TextRange } from '../core/config/types';
import { validateConfig } from '../core/config/validate';
import { validateManifestText } from '../core/config/validateManifest';

const DEBOUNCE_MS = 300;
export const DIAGNOSTIC_SOURCE = 'MLA';

export function isMlaConfig(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && document.fileName.endsWith('.mla.json');
}

export function isDatasetManifest(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && path.basename(document.fileName) === 'dataset.json';
}

function isValidated(document: vscode.TextDocument): boolean {
  return isMlaConfig(document) || isDatasetManifest(document);
}

/** Files whose change can change a config's diagnostics. */
const DATA_FILES = '**/{dataset.json,*.npy,*.csv,*.csv.gz,*.txt}';

export function toRange(r: TextRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export class ConfigDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('mla');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly fixes = new Map<string, { diagnostic: vscode.Diagnostic; fixes: DiagnosticFix[] }[]>();
  /** Validation generations per document, so a slow result never overwrites a newer one. */
  private readonly generation = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly validated = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's diagnostics were replaced. */
  readonly onDidValidate = this.validated.event;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isValidated(d)) this.clear(d.uri);
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(DATA_FILES);
    const revalidate = (uri: vscode.Uri) => {
      // Run folders (`.mla/runs/…/log.txt`) change all through training and are no data of any config.
      if (uri.path.includes('/.mla/')) return;
      for (const d of vscode.workspace.textDocuments) this.schedule(d, DEBOUNCE_MS);
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(revalidate),
      watcher.onDidCreate(revalidate),
      watcher.onDidDelete(revalidate),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Validates now; resolves when the diagnostics are published. */
  async validate(document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
    const key = document.uri.toString();
    const generation = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, generation);
    const diagnostics = isDatasetManifest(document)
      ? await validateManifestText(document.getText(), document.uri.fsPath)
      : (await validateConfig(document.getText(), document.uri.fsPath)).diagnostics;
    if (this.generation.get(key) !== generation) return this.collection.get(document.uri)?.slice() ?? [];
    return this.publish(document.uri, diagnostics);
  }

  /** Publishes diagnostics computed elsewhere (the Train command validates before it starts). */
  publish(uri: vscode.Uri, diagnostics: Diagnostic[]): vscode.Diagnostic[] {
    const converted = diagnostics.map((d) => {
      const v = new vscode.Diagnostic(
        toRange(d.range),
        d.message,
        d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      v.source = DIAGNOSTIC_SOURCE;
      v.code = d.pointer || '/';
      return { v, fixes: d.fixes ?? [] };
    });
    this.collection.set(
      uri,
      converted.map((c) => c.v),
    );
    this.fixes.set(
      uri.toString(),
      converted.filter((c) => c.fixes.length > 0).map((c) => ({ diagnostic: c.v, fixes: c.fixes })),
    );
    this.validated.fire(uri);
    return converted.map((c) => c.v);
  }

  fixesFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): DiagnosticFix[] {
    const entries = this.fixes.get(uri.toString()) ?? [];
    const match = entries.find(
      (e) => e.diagnostic.message === diagnostic.message && e.diagnostic.range.isEqual(diagnostic.range),
    );
    return match?.fixes ?? [];
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.collection.dispose();
    this.validated.dispose();
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isValidated(document)) return;
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

  private clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.fixes.delete(uri.toString());
  }
}
