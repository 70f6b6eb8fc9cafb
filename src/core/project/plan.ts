// Checks the user's choices against the scanned files before anything is written, and works out the split
// to write. Every mismatch is collected (not just the first), each naming the file and what was expected.
// Labels, masks and split files are 1-D and small, so they are read in full through the data readers;
// feature files only through their headers.

import * as path from 'node:path';
import { loadArray } from '../data/arrays';
import { carveValidation } from '../data/splits';
import { DataError, type LoadedArray } from '../data/types';
import {
  ProjectProblems,
  type ProjectChoices,
  type ProjectPlan,
  type ScannedFile,
  type SplitName,
} from './types';

const MAX_CLASSES = 10000;
export const NEW_SPLIT_FILES: Record<'train' | 'test', string> = {
  train: 'split_train.txt',
  test: 'split_test.txt',
};

const shapeText = (shape: number[]) => `[${shape.join(', ')}]`;
const isOneColumn = (shape: number[]) => shape.length === 1 || (shape.length === 2 && shape[1] === 1);

export async function planProject(
  dir: string,
  files: ScannedFile[],
  choices: ProjectChoices,
): Promise<ProjectPlan> {
  const problems: string[] = [];
  const byName = new Map(files.map((f) => [f.name, f]));
  const where = (name: string) => path.join(dir, name);
  const header = (name: string, role: string) => {
    const f = byName.get(name);
    if (!f) {
      problems.push(`${where(name)}: ${role} file not found in ${dir}`);
      return null;
    }
    if (!f.header) {
      problems.push(f.error ?? `${f.path}: unreadable`);
      return null;
    }
    return f.header;
  };
  const load = async (name: string): Promise<LoadedArray | null> => {
    try {
      return await loadArray(where(name));
    } catch (error) {
      problems.push(error instanceof DataError ? error.message : `${where(name)}: ${String(error)}`);
      return null;
    }
  };

  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(choices.name)) {
    problems.push(
      `project name "${choices.name}": expected letters, digits, '.', '_' or '-' (it names the config files)`,
    );
  }

  // Labels: one integer ≥ 0 per row.
  let labels: Int32Array | null = null;
  const labelsHeader = header(choices.labels, 'labels');
  if (labelsHeader && !isOneColumn(labelsHeader.shape)) {
    problems.push(
      `${where(choices.labels)}: expected one integer label per row, found an array of shape ${shapeText(labelsHeader.shape)}`,
    );
  } else if (labelsHeader) {
    const array = await load(choices.labels);
    if (array) labels = integerLabels(array, where(choices.labels), problems);
  }
  const rows = labels?.length ?? labelsHeader?.shape[0] ?? 0;
  let classCount = 0;
  if (labels) {
    const max = labels.reduce((a, b) => Math.max(a, b), -1);
    classCount = choices.classes ? choices.classes.length : max + 1;
    if (choices.classes && max >= choices.classes.length) {
      problems.push(
        `class names: ${choices.classes.length} given, but ${where(choices.labels)} has label ${max} (expected at least ${max + 1} names)`,
      );
    } else if (!choices.classes && max >= MAX_CLASSES) {
      problems.push(
        `${where(choices.labels)}: the largest label is ${max}, which would mean ${max + 1} classes: expected class indices 0..C-1`,
      );
    } else if (max < 1) {
      problems.push(`${where(choices.labels)}: every label is ${max}: expected at least 2 classes`);
    }
  }

  // Modalities: [N, ...] with N = the label count; masks: N values of 0/1.
  if (choices.modalities.length === 0)
    problems.push(`${dir}: no modality chosen: expected at least one array file [N, D]`);
  const sampleShapes: number[][] = [];
  const seenNames = new Set<string>();
  const seenFiles = new Set<string>([choices.labels]);
  for (const m of choices.modalities) {
    checkModalityName(m.name, seenNames, problems);
    if (seenFiles.has(m.features)) {
      problems.push(
        `${where(m.features)}: used twice (as modality '${m.name}' and before): expected each file once`,
      );
    }
    seenFiles.add(m.features);
    const h = header(m.features, `modality '${m.name}'`);
    sampleShapes.push(h && h.shape.length > 1 ? h.shape.slice(1) : [1]);
    if (!h) continue;
    if (h.shape.length === 1) {
      problems.push(
        `${where(m.features)}: modality '${m.name}' is 1-D (shape ${shapeText(h.shape)}): expected a feature array ` +
          `[N, D], [N, H, W], [N, H, W, C] or [N, T, D]; a label, split or mask file must be marked as one`,
      );
    } else if (h.shape.length > 4) {
      problems.push(
        `${where(m.features)}: modality '${m.name}' has shape ${shapeText(h.shape)}: expected 2 to 4 dimensions`,
      );
    } else if (h.shape.slice(1).some((d) => d === 0)) {
      problems.push(
        `${where(m.features)}: modality '${m.name}': each sample is empty (shape ${shapeText(h.shape)})`,
      );
    }
    if (labelsHeader && h.shape[0] !== rows) {
      problems.push(
        `${where(m.features)}: modality '${m.name}' has ${h.shape[0]} rows, but ${where(choices.labels)} has ${rows} labels: expected one row per label`,
      );
    }
    if (m.present !== undefined) await checkMask(m.name, m.present);
  }

  async function checkMask(modality: string, file: string): Promise<void> {
    const h = header(file, `presence mask of '${modality}'`);
    if (!h) return;
    if (!isOneColumn(h.shape) || h.shape[0] !== rows) {
      problems.push(
        `${where(file)}: presence mask of modality '${modality}': expected ${rows} values of 0/1 (shape [${rows}]), found shape ${shapeText(h.shape)}`,
      );
      return;
    }
    const array = await load(file);
    if (!array) return;
    for (let i = 0; i < array.data.length; i++) {
      const v = Number(array.data[i]);
      if (v !== 0 && v !== 1) {
        problems.push(`${where(file)}: row ${i + 1}: presence mask: expected 0 or 1, found ${v}`);
        return;
      }
    }
  }

  // Splits: the folder's own files, or a stratified one to write.
  const newSplits: ProjectPlan['newSplits'] = [];
  const given = (['train', 'val', 'test'] as const).filter((s) => choices.splits[s] !== undefined);
  if (given.length > 0) {
    if (!choices.splits.train || !choices.splits.test) {
      problems.push(
        `split files: found ${given.map((s) => `${s} (${choices.splits[s]})`).join(', ')}: expected both a train and a test file, or none (then a stratified split is written)`,
      );
    } else if (labels) {
      await checkSplits(choices.splits as Record<SplitName, string>, rows, where, load, problems);
    }
  } else if (!(choices.testFraction > 0 && choices.testFraction < 1)) {
    problems.push(`test fraction ${choices.testFraction}: expected a number between 0 and 1 (e.g. 0.2)`);
  } else if (labels) {
    const all = Int32Array.from({ length: rows }, (_, i) => i);
    const { train, val: test } = carveValidation(
      all,
      labels,
      choices.testFraction,
      choices.seed,
      'test-split',
    );
    if (test.length === 0 || train.length === 0) {
      problems.push(
        `${where(choices.labels)}: ${rows} samples split at test fraction ${choices.testFraction} leave ${train.length} for train and ${test.length} for test: expected both non-empty`,
      );
    }
    newSplits.push({ split: 'train', file: NEW_SPLIT_FILES.train, rows: train });
    newSplits.push({ split: 'test', file: NEW_SPLIT_FILES.test, rows: test });
  }

  if (problems.length > 0) throw new ProjectProblems(problems);
  return { dir, choices, rows, classCount, sampleShapes, newSplits };
}

function integerLabels(array: LoadedArray, file: string, problems: string[]): Int32Array | null {
  const out = new Int32Array(array.shape[0]);
  for (let i = 0; i < out.length; i++) {
    const v = Number(array.data[i]);
    if (!Number.isInteger(v)) {
      problems.push(`${file}: row ${i + 1}: expected an integer class label (0, 1, 2, ...), found ${v}`);
      return null;
    }
    if (v < 0) {
      problems.push(`${file}: row ${i + 1}: expected a class label ≥ 0, found ${v}`);
      return null;
    }
    out[i] = v;
  }
  return out;
}

function checkModalityName(name: string, seen: Set<string>, problems: string[]): void {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    problems.push(`modality name "${name}": expected letters, digits, '_' or '-'`);
  } else if (name === 'default') {
    problems.push(
      `modality name "default" is reserved (model.encoders.default applies to every modality): choose another`,
    );
  } else if (seen.has(name)) {
    problems.push(`modality name "${name}" is used twice: expected distinct names`);
  }
  seen.add(name);
}

async function checkSplits(
  splits: Partial<Record<SplitName, string>>,
  rows: number,
  where: (name: string) => string,
  load: (name: string) => Promise<LoadedArray | null>,
  problems: string[],
): Promise<void> {
  const owner = new Map<number, SplitName>();
  for (const split of ['train', 'val', 'test'] as const) {
    const name = splits[split];
    if (name === undefined) continue;
    const array = await load(name);
    if (!array) continue;
    if (!isOneColumn(array.shape)) {
      problems.push(
        `${where(name)}: ${split} split: expected one row index per line, found shape ${shapeText(array.shape)}`,
      );
      continue;
    }
    for (let r = 0; r < array.data.length; r++) {
      const i = Number(array.data[r]);
      const other = owner.get(i);
      const problem = !Number.isInteger(i)
        ? `expected an integer row index, found ${i}`
        : i < 0 || i >= rows
          ? `index ${i} is outside [0, ${rows})`
          : other !== undefined
            ? other === split
              ? `sample ${i} is listed twice`
              : `sample ${i} is also in split "${other}"`
            : null;
      if (problem) {
        problems.push(`${where(name)}: row ${r + 1}: ${problem}`);
        break;
      }
      owner.set(i, split);
    }
  }
}
