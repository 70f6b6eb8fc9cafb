// MLA Studio's entry point: vscode glue only. Training happens in trainer processes; everything shown
// comes from run folders on disk.

import * as vscode from 'vscode';
import { ConfigCodeActions } from './configCodeActions';
import { ConfigDiagnostics } from './configDiagnostics';
import { COMMANDS } from './commandIds';
import { registerCommands } from './commands';
import { SweepDiagnostics } from './sweepDiagnostics';
import { chooseExecutor, pickSweepFile, SweepRunner } from './sweepRunner';
import { DashboardPanels } from './dashboard/panel';
import { onDidShowWizardStep, type WizardStepShown } from './newProjectWizard';
import { RunStore } from './runStore';
import { RunTreeProvider, type RunTreeNode } from './runTree';
import { TrainingManager } from './trainingManager';

/** What activate() returns: used by the integration tests to look inside (tree contents, panel traffic). */
export interface MlaStudioApi {
  store: RunStore;
  training: TrainingManager;
  panels: DashboardPanels;
  diagnostics: ConfigDiagnostics;
  tree: RunTreeProvider;
  treeView: vscode.TreeView<RunTreeNode>;
  onDidShowWizardStep: vscode.Event<WizardStepShown>;
}

export function activate(context: vscode.ExtensionContext): MlaStudioApi {
  const started = Date.now();
  const output = vscode.window.createOutputChannel('MLA Studio');
  const diagnostics = new ConfigDiagnostics();
  const training = new TrainingManager(context.asAbsolutePath('dist/trainer.js'), output, (uri, found) =>
    diagnostics.publish(uri, found),
  );
  const store = new RunStore();
  training.countRunsOf(store);
  const tree = new RunTreeProvider(store);
  const treeView = vscode.window.createTreeView('mla.runs', {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const panels = new DashboardPanels(context.extensionUri, store, training);
  const sweeps = new SweepRunner(
    context.asAbsolutePath('dist/trainer.js'),
    output,
    () => void store.rescan(),
  );
  const configSelector: vscode.DocumentSelector = [
    { scheme: 'file', pattern: '**/*.mla.json' },
    { scheme: 'file', pattern: '**/dataset.json' },
  ];
  context.subscriptions.push(
    output,
    diagnostics,
    training,
    store,
    tree,
    treeView,
    panels,
    vscode.languages.registerCodeActionsProvider(
      configSelector,
      new ConfigCodeActions(diagnostics),
      ConfigCodeActions.metadata,
    ),
    ...registerCommands({
      context,
      store,
      training,
      panels,
      diagnostics,
      output,
      selection: () => treeView.selection,
    }),
    sweeps,
    new SweepDiagnostics(),
    vscode.commands.registerCommand(COMMANDS.runSweep, async (arg?: unknown) => {
      const file = arg instanceof vscode.Uri ? arg : await pickSweepFile();
      const executor = file && (await chooseExecutor(file));
      if (file && executor) await sweeps.run(file, executor);
    }),
    training.onDidChange(
      () =>
        void vscode.commands.executeCommand(
          'setContext',
          'mla.training',
          training.activeProcesses.length > 0,
        ),
    ),
  );
  // The first scan reads run folders from disk; activation itself stays fast.
  void store.rescan();
  output.appendLine(
    `MLA Studio ${context.extension.packageJSON.version as string} activated in ${Date.now() - started} ms`,
  );
  return { store, training, panels, diagnostics, tree, treeView, onDidShowWizardStep };
}

export function deactivate(): void {
  // Trainer processes are detached on purpose: they finish their runs after the window closes or reloads.
}
