// Every `MLA:` command. Commands on runs take the run explorer's node (and its multi-selection); from the
// command palette they ask with a quick pick instead.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeExampleProject } from '../core/data/exampleProject';
import { refusalToRead } from '../core/io/bounded-read';
import { LIMITS } from '../core/io/limits';
import { seedGroupsOf } from '../core/runs/groups';
import type { RunInfo } from '../core/runs/reader';
import { deleteRunFolder } from '../core/runs/delete-run';
import { activeHolder, describeHolder } from '../core/runs/lock';
import { RUN_FILES } from '../core/runs/paths';
import { COMMANDS, OPEN_WALKTHROUGH, type CommandId } from './commandIds';
import { CREATE_SPLITS_COMMAND } from './configCodeActions';
import { toRange, type ConfigDiagnostics } from './configDiagnostics';
import { createSplits } from '../core/project/createSplits';
import type { DashboardPanels } from './dashboard/panel';
import { DoubleClicks } from './doubleClick';
import { clickedRunDir, compareSeedsRuns, paletteCompareSeedsRuns, runsUnder } from './explorerTargets';
import { newProjectFromData } from './newProjectWizard';
import type { SweepStates } from './sweepStates';
import { slurmStopTargets, stopSlurmTargets } from './sweepStop';
import type { RunStore } from './runStore';
import { type RunTreeNode } from './runTree';
import { isActive, isResumable, pct, shownAccuracy } from './runView';
import { TrainingManager } from './trainingManager';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  store: RunStore;
  training: TrainingManager;
  panels: DashboardPanels;
  diagnostics: ConfigDiagnostics;
  output: vscode.OutputChannel;
  sweeps?: SweepStates;
  /** The run explorer's selection (Enter acts on it). */
  selection?: () => readonly RunTreeNode[];
  /** Tells a double-click on a run row from a single click. */
  clicks?: DoubleClicks;
}

type NodeArg = RunTreeNode | vscode.Uri | undefined;

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { store, training, panels } = deps;
  const clicks = deps.clicks ?? new DoubleClicks();
  const register = (id: CommandId, run: (arg?: NodeArg, selected?: NodeArg[]) => unknown) =>
    vscode.commands.registerCommand(id, run);
  return [
    register(COMMANDS.train, async (arg) => {
      // The config in the active editor is the one meant: train it without asking.
      const config =
        arg instanceof vscode.Uri ? arg : (configOfNode(arg) ?? activeConfig() ?? (await pickConfig()));
      if (config) await training.train(config);
    }),
    register(COMMANDS.stopRun, async (arg, selected) => {
      const nodes = (selected && selected.length > 0 ? selected : arg ? [arg] : []).filter(isNode);
      const slurm = slurmStopTargets(nodes);
      if (slurm.tasks.length > 0 || slurm.sweeps.length > 0) {
        if ((await stopSlurmTargets(slurm)).length > 0) await deps.sweeps?.refresh(true);
        if (slurm.rest.length === 0) return;
      }
      const rest = nodes.length > 0 ? slurm.rest : undefined;
      const runs = await runsOf(store, rest?.[0] ?? arg, rest, (r) => isActive(r), 'Stop which run?');
      for (const run of runs) {
        const outcome = training.stop(run.dir);
        if (outcome === 'restricted') {
          void vscode.window.showWarningMessage(`MLA: ${TrainingManager.stopRestricted}`);
          return;
        }
        const name = `${run.name ?? run.id} seed ${run.seed ?? '?'}`;
        if (outcome === 'graceful')
          void vscode.window.showInformationMessage(
            `MLA: stopping ${name}: finishing the batch, then checkpointing. Stop again to kill it.`,
          );
        else if (outcome === 'kill')
          void vscode.window.showWarningMessage(`MLA: killed ${name}; the last epoch's checkpoint remains.`);
        else void vscode.window.showInformationMessage(`MLA: ${name} is not running.`);
      }
    }),
    register(COMMANDS.resumeRun, async (arg) => {
      const [run] = await runsOf(store, arg, undefined, (r) => isResumable(r), 'Resume which run?');
      if (!run) return;
      const result = await training.resume(run.dir);
      if (!result.started && result.reason)
        void vscode.window.showWarningMessage(`MLA: cannot resume: ${result.reason}.`);
    }),
    register(COMMANDS.rerun, async (arg) => {
      const runs = await runsOf(store, arg, undefined, () => true, 'Re-run which run?');
      const configFile = runs.map((r) => r.resolved?.run.configFile).find((f) => f && fs.existsSync(f));
      if (!configFile) {
        void vscode.window.showErrorMessage('MLA: the config this run was trained from no longer exists.');
        return;
      }
      const seeds = runs.map((r) => r.seed).filter((s): s is number => s !== null);
      await training.train(vscode.Uri.file(configFile), seeds.length > 0 ? seeds : undefined);
    }),
    register(COMMANDS.openDashboard, async (arg) => {
      const [run] = await runsOf(store, arg, undefined, () => true, 'Open the dashboard of which run?');
      if (run) panels.open('run', [run.dir]);
    }),
    register(COMMANDS.previewRun, (arg) => {
      const dir = clickedRunDir(isNode(arg) ? arg : undefined, deps.selection?.() ?? []);
      if (!dir) return;
      if (clicks.click(dir)) panels.open('run', [dir]);
      else panels.preview(dir);
    }),
    register(COMMANDS.pinRun, async () => {
      const node = deps.selection?.()[0];
      const run = runOfNode(store, node);
      // Enter on a config or seed group row keeps its usual meaning: expand or collapse it.
      if (!run) await vscode.commands.executeCommand('list.toggleExpand');
      else panels.open('run', [run.dir]);
    }),
    register(COMMANDS.compareSeeds, async (arg, selected) => {
      const runs = await groupRunsOf(store, arg, selected, deps.selection?.() ?? []);
      if (runs.length > 0)
        panels.open(
          'compare',
          runs.map((r) => r.dir),
        );
    }),
    register(COMMANDS.inspectFusion, async (arg) => {
      const [run] = await runsOf(
        store,
        arg,
        undefined,
        (r) => r.epochs.length > 0,
        'Inspect the fusion weights of which run?',
      );
      if (run) panels.open('fusion', [run.dir]);
    }),
    register(COMMANDS.showRunConfig, async (arg) => {
      const [run] = await runsOf(
        store,
        arg,
        undefined,
        () => true,
        'Show the effective config of which run?',
      );
      if (run) panels.open('config', [run.dir]);
    }),
    register(COMMANDS.validateConfig, async (arg) => {
      const uri = arg instanceof vscode.Uri ? arg : (activeConfig() ?? (await pickConfig()));
      if (!uri) return;
      const found = await deps.diagnostics.validate(await vscode.workspace.openTextDocument(uri));
      const errors = found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
      const warnings = found.length - errors;
      if (errors > 0) {
        void vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showErrorMessage(
          `MLA: ${path.basename(uri.fsPath)}: ${errors} error(s), ${warnings} warning(s).`,
        );
      } else {
        void vscode.window.showInformationMessage(
          `MLA: ${path.basename(uri.fsPath)} is valid${warnings ? ` (${warnings} warning(s))` : ''}.`,
        );
      }
    }),
    register(COMMANDS.createExample, async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showErrorMessage(
          'MLA: open a folder first; the example project is written into it.',
        );
        return;
      }
      const dir = path.join(folder.uri.fsPath, 'mla-example');
      const project = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'MLA: writing the example project…' },
        () => writeExampleProject(dir, null),
      );
      const doc = await vscode.workspace.openTextDocument(project.configs[0]);
      await vscode.window.showTextDocument(doc);
      void vscode.window
        .showInformationMessage(
          `MLA: example written to ${path.relative(folder.uri.fsPath, dir)}/ (a generated dataset with a strong, a medium and a weak modality, and an MLA and a joint config).`,
          'Train It',
        )
        .then((pick) => {
          if (pick) void training.train(doc.uri);
        });
    }),
    register(COMMANDS.newProjectFromData, async (arg) => {
      await newProjectFromData(arg instanceof vscode.Uri ? arg : undefined, (config) =>
        training.train(config),
      );
    }),
    // Not in the palette: the quick fix of a dataset.json without splits runs it.
    vscode.commands.registerCommand(CREATE_SPLITS_COMMAND, async (arg?: unknown) => {
      if (!(arg instanceof vscode.Uri)) return;
      const doc = await vscode.workspace.openTextDocument(arg);
      try {
        const created = await createSplits(doc.getText(), doc.uri.fsPath);
        const edit = new vscode.WorkspaceEdit();
        for (const e of created.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
        await vscode.workspace.applyEdit(edit);
        void vscode.window.showInformationMessage(
          `MLA: wrote ${created.files.map((f) => path.basename(f)).join(' and ')} (${created.counts.train} train / ${created.counts.test} test, stratified, seed 0).`,
        );
      } catch (error) {
        void vscode.window.showErrorMessage(`MLA: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
    register(COMMANDS.deleteRun, async (arg, selected) => {
      const runs = await runsOf(store, arg, selected, () => true, 'Delete which run?');
      if (runs.length === 0) return;
      const active = runs.filter((run) => isActive(run) || activeHolder(run.dir) !== null);
      if (active.length > 0) {
        // The lock says who works on the run even when its status does not (a resume that is starting).
        const holder = activeHolder(active[0].dir);
        const who = holder ? ` (in use by ${describeHolder(holder)})` : '';
        void vscode.window.showErrorMessage(
          `MLA: stop ${active.length === 1 ? 'the run' : `${active.length} runs`} before deleting${who}.`,
        );
        return;
      }
      const what = runs.length === 1 ? `run "${runs[0].id}"` : `${runs.length} runs`;
      const pick = await vscode.window.showWarningMessage(
        `Delete ${what}? This removes the run folder${runs.length === 1 ? '' : 's'} with metrics and checkpoints.`,
        { modal: true },
        'Delete',
      );
      if (pick !== 'Delete') return;
      for (const run of runs) {
        try {
          // Takes the run's lock: a resume or an evaluation that started since the check above wins.
          await deleteRunFolder(run.dir);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          void vscode.window.showErrorMessage(`MLA: run "${run.id}" was not deleted: ${why}`);
          continue;
        }
        store.forget(run.dir);
      }
    }),
    register(COMMANDS.revealRun, async (arg) => {
      const [run] = await runsOf(store, arg, undefined, () => true, 'Reveal which run folder?');
      if (run)
        await vscode.commands.executeCommand(
          'revealFileInOS',
          vscode.Uri.file(path.join(run.dir, RUN_FILES.config)),
        );
    }),
    register(COMMANDS.revealRunInExplorer, async (arg) => {
      const [run] = await runsOf(store, arg, undefined, () => true, 'Reveal which run folder?');
      if (run) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(run.dir));
    }),
    register(COMMANDS.openConfig, async (arg) => {
      const sweepFile = sweepFileOfNode(arg);
      if (sweepFile) {
        await vscode.window.showTextDocument(sweepFile);
        return;
      }
      const configNode = configOfNode(arg);
      if (configNode) {
        await vscode.window.showTextDocument(configNode);
        return;
      }
      const [run] = await runsOf(store, arg, undefined, () => true, 'Open the config of which run?');
      if (!run) return;
      const original = run.resolved?.run.configFile;
      const file = original && fs.existsSync(original) ? original : path.join(run.dir, RUN_FILES.config);
      if (refusedForEditor(file)) return;
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    }),
    register(COMMANDS.showLog, async (arg) => {
      if (!arg) {
        deps.output.show(true);
        return;
      }
      const [run] = await runsOf(store, arg, undefined, () => true, 'Show the log of which run?');
      if (!run) return;
      const log = path.join(run.dir, RUN_FILES.log);
      if (refusedForEditor(log)) return;
      await vscode.window.showTextDocument(vscode.Uri.file(log), { preview: true });
    }),
    register(COMMANDS.refreshRuns, () => Promise.all([store.rescan(), deps.sweeps?.refresh(true)])),
    register(COMMANDS.openTaskStderr, async (arg) => {
      const report =
        arg && isNode(arg)
          ? arg.kind === 'trial'
            ? arg.report
            : arg.kind === 'run'
              ? arg.task
              : undefined
          : undefined;
      const file = report?.stderrFile;
      if (!file || !fs.existsSync(file)) {
        void vscode.window.showInformationMessage('MLA: this trial has no task stderr file (yet).');
        return;
      }
      if (refusedForEditor(file)) return;
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    }),
    // Open Docs and Get Started both open the walkthrough: VS Code's place for a product's guide.
    register(COMMANDS.openDocs, openWalkthrough),
    register(COMMANDS.getStarted, openWalkthrough),
    register(COMMANDS.openGuide, async () => {
      // The full guide ships in the .vsix; its links to the other docs/ pages work in the preview.
      const guide = vscode.Uri.joinPath(deps.context.extensionUri, 'docs', 'guide.md');
      await vscode.commands.executeCommand('markdown.showPreview', guide);
    }),
  ];
}

async function openWalkthrough(): Promise<void> {
  await vscode.commands.executeCommand(OPEN_WALKTHROUGH.command, ...OPEN_WALKTHROUGH.args);
}

function activeConfig(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.fileName.endsWith('.mla.json') ? doc.uri : undefined;
}

/** The config file a config node's runs were trained from. */
/** The run a run row stands for (as the store has it now), else undefined. */
function runOfNode(store: RunStore, node: NodeArg): RunInfo | undefined {
  if (!node || node instanceof vscode.Uri || node.kind !== 'run') return undefined;
  return store.get(node.run.dir) ?? node.run;
}

function configOfNode(arg: NodeArg): vscode.Uri | undefined {
  if (!arg || arg instanceof vscode.Uri || arg.kind !== 'config') return undefined;
  for (const group of arg.groups) {
    for (const run of group.runs) {
      const file = run.resolved?.run.configFile;
      if (file && fs.existsSync(file)) return vscode.Uri.file(file);
    }
  }
  return undefined;
}

/** Quick pick of the workspace's configs, the active editor's first. */
export async function pickConfig(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.mla.json', '**/node_modules/**');
  const active = activeConfig();
  const uris = [...(active ? [active] : []), ...found.filter((u) => u.toString() !== active?.toString())];
  if (uris.length === 0) {
    const pick = await vscode.window.showInformationMessage(
      'MLA: no *.mla.json config in this workspace.',
      'Create Example Project',
    );
    if (pick) await vscode.commands.executeCommand(COMMANDS.createExample);
    return undefined;
  }
  if (uris.length === 1) return uris[0];
  const item = await vscode.window.showQuickPick(
    uris.map((uri) => ({
      label: path.basename(uri.fsPath),
      description: vscode.workspace.asRelativePath(uri),
      uri,
    })),
    { title: 'MLA: Train', placeHolder: 'Which config?' },
  );
  return item?.uri;
}

/** The runs a command applies to: the multi-selection, the node, or (from the palette) a quick pick. */
async function runsOf(
  store: RunStore,
  arg: NodeArg,
  selected: NodeArg[] | undefined,
  filter: (run: RunInfo) => boolean,
  title: string,
): Promise<RunInfo[]> {
  const nodes = selected && selected.length > 0 ? selected : arg ? [arg] : [];
  const runs = nodes.filter(isNode).flatMap(runsUnder);
  if (runs.length > 0) return runs.map((r) => store.get(r.dir) ?? r);
  // Right after activation the first scan may still be running: read the folders before saying "none".
  if (store.all.length === 0) await store.rescan();
  const candidates = store.all.filter(filter).sort((a, b) => b.id.localeCompare(a.id));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`MLA: ${title} There is no run to choose from.`);
    return [];
  }
  const item = await vscode.window.showQuickPick(
    candidates.map((run) => ({
      label: `${run.name ?? run.id} · seed ${run.seed ?? '?'}`,
      description: `${run.displayState} · ${pct(shownAccuracy(run))}`,
      detail: run.id,
      run,
    })),
    { title: `MLA: ${title}` },
  );
  return item ? [item.run] : [];
}

function isNode(arg: NodeArg): arg is RunTreeNode {
  return arg !== undefined && !(arg instanceof vscode.Uri);
}

/** A sweep's node or its trial row: the sweep file it came from, when it still exists. */
function sweepFileOfNode(arg: NodeArg): vscode.Uri | undefined {
  if (!isNode(arg)) return undefined;
  const sweep = arg.kind === 'trial' ? arg.sweep : arg.kind === 'config' ? arg.sweep : undefined;
  return sweep && fs.existsSync(sweep.plan.sweepFile) ? vscode.Uri.file(sweep.plan.sweepFile) : undefined;
}

/**
 * For Compare Seeds: the selected runs, a config's or a seed group's runs, or a picked group. `explorer`: the
 * run explorer's selection, what the command palette (no row argument) compares when it names runs.
 */
async function groupRunsOf(
  store: RunStore,
  arg: NodeArg,
  selected: NodeArg[] | undefined,
  explorer: readonly RunTreeNode[],
): Promise<RunInfo[]> {
  const fromRow = compareSeedsRuns(isNode(arg) ? arg : undefined, selected?.filter(isNode), store.all);
  const fromPalette = arg === undefined ? paletteCompareSeedsRuns(explorer, store.all) : 'ask';
  const chosen = fromRow ?? (fromPalette === 'ask' ? null : fromPalette);
  if (chosen) return chosen.map((r) => store.get(r.dir) ?? r);
  const groups = seedGroupsOf(store.all);
  if (groups.length === 0) {
    void vscode.window.showInformationMessage('MLA: no runs to compare yet.');
    return [];
  }
  const item = await vscode.window.showQuickPick(
    groups.map((g) => ({
      label: g.config,
      description: `${g.runs.length} seed(s) · ${new Date(g.group).toLocaleString()}`,
      g,
    })),
    { title: 'MLA: Compare Seeds', placeHolder: 'Which seed group?' },
  );
  return item?.g.runs ?? [];
}

/** A run folder may come from anywhere: a FIFO or device as its log would hang or flood the editor. */
function refusedForEditor(file: string): boolean {
  const refusal = refusalToRead(file, { limit: LIMITS.editor, what: 'a file opened in the editor' });
  if (refusal) void vscode.window.showErrorMessage(`MLA: ${refusal.message}`);
  return refusal !== null;
}
