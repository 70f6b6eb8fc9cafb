// MLA: New Project from Data…: a keyboard-only QuickPick/InputBox sequence with Back on every step, over the
// same core code as `mla init` (scan → choices → plan → write). Nothing is written until the last step, and
// every mismatch the plan finds is shown first, with the way back to fix it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultChoices, DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION } from '../core/project/choices';
import { guessRoles, modalityNamesFromFiles, projectNameFrom } from '../core/project/guess';
import { planProject } from '../core/project/plan';
import { describeFile, scanFolder } from '../core/project/scan';
import {
  ProjectProblems,
  type ProjectChoices,
  type ProjectPlan,
  type ScannedFile,
} from '../core/project/types';
import { plannedFiles, writeProject } from '../core/project/write';

const TITLE = 'MLA: New Project from Data';

export interface WizardStepShown {
  step: number;
  kind: 'pick' | 'input';
  /** The picker's items or the input box's value, as shown. */
  items: string[];
  value: string;
}
const stepShown = new vscode.EventEmitter<WizardStepShown>();
/** Fires when a step is on screen, so tests drive the real wizard by keyboard commands without guessing time. */
export const onDidShowWizardStep = stepShown.event;
const BACK = Symbol('back');
type Step<T> = Promise<T | typeof BACK | undefined>;
/** A step's outcome: go on, go back, or the user dismissed the wizard (Escape). */
type Outcome = Promise<'next' | typeof BACK | undefined>;

interface FileItem extends vscode.QuickPickItem {
  file?: ScannedFile;
}

function fileItem(file: ScannedFile, extra = ''): FileItem {
  return { label: file.name, description: describeFile(file) + extra, file };
}

/** One QuickPick step; resolves to the picked items, BACK, or undefined when dismissed. */
function pick<T extends vscode.QuickPickItem>(
  step: number,
  total: number,
  placeholder: string,
  items: T[],
  options: { many?: boolean; active?: T[]; back?: boolean } = {},
): Step<T[]> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = TITLE;
  qp.step = step;
  qp.totalSteps = total;
  qp.placeholder = placeholder;
  qp.items = items;
  qp.canSelectMany = options.many ?? false;
  qp.ignoreFocusOut = true;
  if (options.active) {
    if (qp.canSelectMany) qp.selectedItems = options.active;
    else qp.activeItems = options.active;
  }
  if (options.back !== false) qp.buttons = [vscode.QuickInputButtons.Back];
  const shown = { step, kind: 'pick' as const, items: items.map((i) => i.label), value: '' };
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: T[] | typeof BACK | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      qp.dispose();
    };
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(BACK);
    });
    qp.onDidAccept(() => {
      const chosen = qp.canSelectMany ? [...qp.selectedItems] : [...qp.activeItems];
      if (chosen.length > 0 || qp.canSelectMany) finish(chosen);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
    stepShown.fire(shown);
  });
}

/** One InputBox step; `validate` returns the message that blocks Enter, or undefined. */
function input(
  step: number,
  total: number,
  prompt: string,
  value: string,
  validate: (text: string) => string | undefined,
): Step<string> {
  const box = vscode.window.createInputBox();
  box.title = TITLE;
  box.step = step;
  box.totalSteps = total;
  box.prompt = prompt;
  box.value = value;
  box.ignoreFocusOut = true;
  box.buttons = [vscode.QuickInputButtons.Back];
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string | typeof BACK | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidChangeValue((text) => (box.validationMessage = validate(text)));
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(BACK);
    });
    box.onDidAccept(() => {
      const message = validate(box.value);
      box.validationMessage = message;
      if (message === undefined) finish(box.value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
    stepShown.fire({ step, kind: 'input', items: [], value });
  });
}

/** The folder: the argument (Explorer context menu), or a pick of workspace folders holding array files. */
async function pickFolder(arg: vscode.Uri | undefined): Step<string> {
  if (arg) return arg.fsPath;
  const found = await vscode.workspace.findFiles(
    '**/*.{npy,csv,csv.gz,txt}',
    '{**/node_modules/**,**/.mla/**,**/.git/**}',
    2000,
  );
  const dirs = [...new Set(found.map((u) => path.dirname(u.fsPath)))].sort();
  const browse: vscode.QuickPickItem & { dir?: string } = {
    label: '$(folder-opened) Browse…',
    description: 'choose another folder',
  };
  const items = [
    ...dirs.map((dir) => ({
      label: vscode.workspace.asRelativePath(dir) || path.basename(dir),
      description: `${found.filter((u) => path.dirname(u.fsPath) === dir).length} array files`,
      dir,
    })),
    browse,
  ];
  const chosen = await pick(1, 8, 'Which folder holds your arrays?', items, { back: false });
  if (chosen === undefined || chosen === BACK) return chosen;
  const [item] = chosen;
  if (item.dir) return item.dir;
  const uris = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Use This Folder',
    title: TITLE,
  });
  return uris?.[0]?.fsPath ?? BACK;
}

const isOneColumn = (f: ScannedFile) => {
  const s = f.header?.shape;
  return !!s && (s.length === 1 || (s.length === 2 && s[1] === 1));
};

/** The wizard's state; each step reads and sets part of it, so Back keeps what was chosen. */
interface State {
  dir: string;
  files: ScannedFile[];
  choices: ProjectChoices;
}

async function stepLabels(s: State): Outcome {
  const items = s.files.map((f) => fileItem(f));
  const active = items.filter((i) => i.file?.name === s.choices.labels);
  const chosen = await pick(
    2,
    8,
    `${s.files.length} array files in ${path.basename(s.dir)}: which one holds the labels?`,
    items,
    {
      active,
    },
  );
  if (chosen === undefined || chosen === BACK) return chosen;
  const labels = chosen[0].file!.name;
  if (labels !== s.choices.labels) {
    // A different labels file changes what the rest guesses as modalities.
    const fresh = defaultChoices(s.dir, s.files, { labels, name: s.choices.name });
    s.choices = fresh ?? { ...s.choices, labels };
  }
  return 'next';
}

async function stepModalities(s: State): Outcome {
  const items = s.files.filter((f) => f.name !== s.choices.labels).map((f) => fileItem(f));
  const chosenFiles = new Set(s.choices.modalities.map((m) => m.features));
  const chosen = await pick(3, 8, 'Which files are modalities? (Space selects, Enter continues)', items, {
    many: true,
    active: items.filter((i) => chosenFiles.has(i.file!.name)),
  });
  if (chosen === undefined || chosen === BACK) return chosen;
  const files = chosen.map((i) => i.file!.name);
  const defaults = modalityNamesFromFiles(files);
  const previous = new Map(s.choices.modalities.map((m) => [m.features, m]));
  s.choices.modalities = files.map(
    (features, i) => previous.get(features) ?? { name: defaults[i], features },
  );
  return 'next';
}

async function stepNames(s: State): Outcome {
  const text = s.choices.modalities.map((m) => `${m.name}=${m.features}`).join(', ');
  const files = s.choices.modalities.map((m) => m.features);
  const value = await input(
    4,
    8,
    `Modality names, in training order (NAME=FILE, comma-separated; files: ${files.join(', ')})`,
    text,
    (t) => {
      const parts = t.split(',').map((p) => p.trim());
      for (const p of parts) {
        const [name, file] = p.split('=').map((x) => x.trim());
        if (!name || !file) return `expected NAME=FILE, found "${p}"`;
        if (!files.includes(file)) return `${file} is not one of the chosen files (${files.join(', ')})`;
      }
      return undefined;
    },
  );
  if (value === undefined || value === BACK) return value;
  const previous = new Map(s.choices.modalities.map((m) => [m.features, m]));
  s.choices.modalities = value.split(',').map((p) => {
    const [name, features] = p.split('=').map((x) => x.trim());
    return { ...previous.get(features), name, features };
  });
  return 'next';
}

async function stepMasks(s: State): Outcome {
  const used = new Set([s.choices.labels, ...s.choices.modalities.map((m) => m.features)]);
  const candidates = s.files.filter((f) => !used.has(f.name) && isOneColumn(f));
  if (candidates.length === 0) return 'next';
  const items: (vscode.QuickPickItem & { modality?: string; file?: string })[] = [];
  for (const m of s.choices.modalities) {
    items.push({ label: m.name, kind: vscode.QuickPickItemKind.Separator });
    for (const f of candidates)
      items.push({
        label: f.name,
        description: `presence mask of ${m.name} · ${describeFile(f)}`,
        modality: m.name,
        file: f.name,
      });
  }
  const chosen = await pick(
    5,
    8,
    'Optional: presence masks (N values of 0/1; 0 = the sample lacks that modality)',
    items,
    {
      many: true,
      active: items.filter((i) =>
        s.choices.modalities.some((m) => m.name === i.modality && m.present === i.file),
      ),
    },
  );
  if (chosen === undefined || chosen === BACK) return chosen;
  for (const m of s.choices.modalities) {
    const mask = chosen.find((i) => i.modality === m.name)?.file;
    if (mask !== undefined) m.present = mask;
    else delete m.present;
  }
  return 'next';
}

async function stepClasses(s: State): Outcome {
  const value = await input(
    6,
    8,
    'Optional: class names, comma-separated, index = label (empty: "0".."C-1")',
    s.choices.classes?.join(', ') ?? '',
    (t) =>
      t.trim() !== '' && t.split(',').some((c) => c.trim() === '')
        ? 'expected names separated by commas'
        : undefined,
  );
  if (value === undefined || value === BACK) return value;
  const names = value.split(',').map((c) => c.trim());
  if (value.trim() === '') delete s.choices.classes;
  else s.choices.classes = names;
  return 'next';
}

async function stepSplitAndName(s: State): Outcome {
  const own = (['train', 'val', 'test'] as const).filter((k) => s.choices.splits[k] !== undefined);
  if (own.length === 0) {
    const fraction = await input(
      7,
      8,
      `Test fraction of each class (a stratified split, seed ${s.choices.seed}, is written as split_train.txt / split_test.txt)`,
      String(s.choices.testFraction),
      (t) => (Number(t) > 0 && Number(t) < 1 ? undefined : 'expected a number between 0 and 1, e.g. 0.2'),
    );
    if (fraction === undefined || fraction === BACK) return fraction;
    s.choices.testFraction = Number(fraction);
  }
  const name = await input(
    8,
    8,
    `Project name (configs ${s.choices.name}.mla.json and ${s.choices.name}-joint.mla.json)` +
      (own.length > 0
        ? `; splits: the folder's own (${own.map((k) => s.choices.splits[k]).join(', ')})`
        : ''),
    s.choices.name,
    (t) => (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(t) ? undefined : "expected letters, digits, '.', '_' or '-'"),
  );
  if (name === undefined || name === BACK) return name;
  s.choices.name = name;
  return 'next';
}

const STEPS = [stepLabels, stepModalities, stepNames, stepMasks, stepClasses, stepSplitAndName];

/**
 * Runs the steps from `from` with Back; BACK when backed out of the first one, undefined when dismissed.
 * A step with nothing to ask (no mask candidates) returns 'next' at once, so Back skips it too.
 */
async function runSteps(s: State, from: number): Outcome {
  let i = from;
  while (i < STEPS.length) {
    const result = await STEPS[i](s);
    if (result === undefined) return undefined;
    if (result === BACK) {
      if (i === 0) return BACK;
      i--;
      if (STEPS[i] === stepMasks && !hasMaskCandidates(s)) i--;
      continue;
    }
    i++;
  }
  return 'next';
}

function hasMaskCandidates(s: State): boolean {
  const used = new Set([s.choices.labels, ...s.choices.modalities.map((m) => m.features)]);
  return s.files.some((f) => !used.has(f.name) && isOneColumn(f));
}

export interface NewProjectResult {
  plan: ProjectPlan;
  configs: [string, string];
}

/** The whole wizard; resolves with what was written, or undefined when cancelled. */
export async function newProjectFromData(
  arg: vscode.Uri | undefined,
  train: (config: vscode.Uri) => unknown,
): Promise<NewProjectResult | undefined> {
  for (;;) {
    const dir = await pickFolder(arg);
    if (dir === undefined) return undefined;
    if (dir === BACK) continue;
    const files = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `MLA: reading the headers in ${path.basename(dir)}…`,
      },
      () => scanFolder(dir),
    );
    if (files.length === 0) {
      void vscode.window.showErrorMessage(`MLA: ${dir} has no .npy, .csv, .csv.gz or .txt files.`);
      if (arg) return undefined;
      continue;
    }
    const roles = guessRoles(files);
    const choices: ProjectChoices = defaultChoices(dir, files) ?? {
      name: projectNameFrom(path.basename(dir)),
      labels: files[0].name,
      modalities: [],
      splits: roles.splits,
      testFraction: DEFAULT_TEST_FRACTION,
      seed: DEFAULT_SPLIT_SEED,
    };
    const state: State = { dir, files, choices };
    let from = 0;
    for (;;) {
      const outcome = await runSteps(state, from);
      if (outcome === undefined) return undefined;
      if (outcome === BACK) break; // to the folder pick
      const plan = await checked(state);
      if (plan === 'back') {
        from = 0;
        continue;
      }
      const written = await write(plan, train);
      if (written) return written;
      from = STEPS.length - 1;
    }
    if (arg) return undefined;
  }
}

/** The plan, or 'back' after showing its problems (nothing has been written). */
async function checked(s: State): Promise<ProjectPlan | 'back'> {
  try {
    return await planProject(s.dir, s.files, s.choices);
  } catch (error) {
    if (!(error instanceof ProjectProblems)) throw error;
    await vscode.window.showErrorMessage(
      `MLA: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} with these files; nothing was written.`,
      { modal: true, detail: error.problems.join('\n\n') },
      'Back to the Files',
    );
    return 'back';
  }
}

async function write(
  plan: ProjectPlan,
  train: (config: vscode.Uri) => unknown,
): Promise<NewProjectResult | undefined> {
  try {
    const written = await writeProject(plan, null);
    const doc = await vscode.workspace.openTextDocument(written.configs[0]);
    await vscode.window.showTextDocument(doc);
    const errors = written.diagnostics.flatMap((d) => d.diagnostics).filter((d) => d.severity === 'error');
    const files = plannedFiles(plan)
      .map((f) => path.basename(f))
      .join(', ');
    if (errors.length > 0) {
      void vscode.window.showErrorMessage(
        `MLA: wrote ${files}, but the config has ${errors.length} error(s): ${errors[0].message}`,
      );
    } else {
      void vscode.window
        .showInformationMessage(
          `MLA: wrote ${files} in ${path.basename(plan.dir)}/ (${plan.rows} samples, ${plan.classCount} classes, ${plan.choices.modalities.length} modalities).`,
          '▶ Train',
        )
        .then((pick) => {
          if (pick) void train(doc.uri);
        });
    }
    return { plan, configs: written.configs };
  } catch (error) {
    if (!(error instanceof ProjectProblems)) throw error;
    await vscode.window.showErrorMessage(
      'MLA: nothing was written.',
      { modal: true, detail: error.problems.join('\n\n') },
      'Back',
    );
    return undefined;
  }
}
