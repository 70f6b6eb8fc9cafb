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
import { RunTablePanel } from './runTable/panel';
import { RunTreeProvider, type RunTreeNode } from './runTree';
import { SweepStates } from './sweepStates';
import { TrainingManager } from './trainingManager';

/** What activate() returns: used by the integration tests to look inside (tree contents, panel traffic). */
export interface MlaStudioApi {
  store: RunStore;
  training: TrainingManager;
  panels: DashboardPanels;
  runTable: RunTablePanel;
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
  const sweepStates = new SweepStates();
  const tree = new RunTreeProvider(store, sweepStates);
  const treeView = vscode.window.createTreeView('mla.runs', {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const panels = new DashboardPanels(context.extensionUri, store, training);
  const runTable = new RunTablePanel(context.extensionUri, store, panels);
  const sweeps = new SweepRunner(context.asAbsolutePath('dist/trainer.js'), output, () => {
    void store.rescan();
    void sweepStates.refresh(true);
  });
  const configSelector: vscode.DocumentSelector = [
    { scheme: 'file', pattern: '**/*.mla.json' },
    { scheme: 'file', pattern: '**/dataset.json' },
  ];
  context.subscriptions.push(
    output,
    diagnostics,
    training,
    store,
    sweepStates,
    store.onDidChange(() => sweepStates.refreshSoon()),
    tree,
    treeView,
    panels,
    runTable,
    vscode.commands.registerCommand(COMMANDS.openRunTable, () => runTable.open()),
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
      sweeps: sweepStates,
      selection: () => treeView.selection,
    }),
    sweeps,
    new SweepDiagnostics(),
    vscode.commands.registerCommand(COMMANDS.runSweep, async (arg?: unknown) => {
      const file =
        arg instanceof vscode.Uri
          ? arg
          : (sweepFileOf(arg as RunTreeNode | undefined) ?? (await pickSweepFile()));
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
  void sweepStates.refresh(true);
  output.appendLine(
    `MLA Studio ${context.extension.packageJSON.version as string} activated in ${Date.now() - started} ms`,
  );
  return { store, training, panels, runTable, diagnostics, tree, treeView, onDidShowWizardStep };
}

/** The sweep file of the explorer's sweep node (Run Sweep on it runs the sweep again: it resumes). */
function sweepFileOf(node: RunTreeNode | undefined): vscode.Uri | undefined {
  if (!node || typeof node !== 'object' || node.kind !== 'config' || !node.sweep) return undefined;
  return vscode.Uri.file(node.sweep.plan.sweepFile);
}

export function deactivate(): void {
  // Trainer processes are detached on purpose: they finish their runs after the window closes or reloads.
}
