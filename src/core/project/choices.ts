// The choices a folder implies: the name-based guesses, with whatever the user said taking precedence.
// `mla init` uses them as they are; the wizard shows them as its defaults.

import * as path from 'node:path';
import { guessRoles, modalityNamesFromFiles, projectNameFrom } from './guess';
import type { ProjectChoices, ScannedFile } from './types';

export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_SPLIT_SEED = 0;

export interface ChoiceOverrides {
  name?: string;
  labels?: string;
  /** Explicit modalities; a missing name defaults from the file name. */
  modalities?: { name?: string; features: string }[];
  classes?: string[];
  testFraction?: number;
  seed?: number;
}

/** `null` choices when no labels file was named or found by name: the caller asks or says how to name it. */
export function defaultChoices(
  dir: string,
  files: ScannedFile[],
  overrides: ChoiceOverrides = {},
): ProjectChoices | null {
  const roles = guessRoles(files, overrides.labels);
  if (roles.labels === null) return null;
  const explicit = overrides.modalities;
  const modalityFiles = explicit ? explicit.map((m) => m.features) : roles.modalities;
  const defaults = modalityNamesFromFiles(modalityFiles);
  const taken = new Set([roles.labels, ...modalityFiles]);
  const splits = Object.fromEntries(Object.entries(roles.splits).filter(([, file]) => !taken.has(file)));
  return {
    name: overrides.name ?? projectNameFrom(path.basename(path.resolve(dir))),
    labels: roles.labels,
    modalities: modalityFiles.map((features, i) => ({
      name: explicit?.[i].name ?? defaults[i],
      features,
      ...(roles.masks[features] !== undefined ? { present: roles.masks[features] } : {}),
    })),
    ...(overrides.classes ? { classes: overrides.classes } : {}),
    splits,
    testFraction: overrides.testFraction ?? DEFAULT_TEST_FRACTION,
    seed: overrides.seed ?? DEFAULT_SPLIT_SEED,
  };
}
