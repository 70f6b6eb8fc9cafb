// What the own-data project builder works with: the scanned files of a folder, the user's choices about them
// (which file is what), and the checked plan that the writers turn into `dataset.json` and two configs.

import type { ArrayHeader } from './arrayHeader';

export interface ScannedFile {
  /** File name inside the scanned folder (also what the manifest will name it). */
  name: string;
  /** Absolute path. */
  path: string;
  /** `null` when the header could not be read; `error` then says why. */
  header: ArrayHeader | null;
  error?: string;
}

export type SplitName = 'train' | 'val' | 'test';

/** Which file is what, as the user (or the name-based guess) decided. File names are relative to the folder. */
export interface ProjectChoices {
  /** Dataset and config name; also the config file names (`NAME.mla.json`, `NAME-joint.mla.json`). */
  name: string;
  labels: string;
  /** In the order they will train (the MLA alternation order). */
  modalities: { name: string; features: string; present?: string }[];
  classes?: string[];
  /** Existing split files; when train and test are absent a stratified split is written. */
  splits: Partial<Record<SplitName, string>>;
  /** Fraction of each class that goes to the written test split. */
  testFraction: number;
  seed: number;
}

export interface ProjectPlan {
  dir: string;
  choices: ProjectChoices;
  /** Samples (rows of the labels file). */
  rows: number;
  /** Number of classes (the largest label + 1, or `classes.length`). */
  classCount: number;
  /** Per-sample shape of each modality, in `choices.modalities` order. */
  sampleShapes: number[][];
  /** Split files to write, with the rows each holds; empty when the folder's own split files are used. */
  newSplits: { split: SplitName; file: string; rows: Int32Array }[];
}

/** Every mismatch found, each naming the file and what was expected; nothing is written while any remains. */
export class ProjectProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ProjectProblems';
  }
}
