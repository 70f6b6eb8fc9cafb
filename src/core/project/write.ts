// Writes a checked plan: split files (when the folder has none), `dataset.json`, the MLA config and its joint
// twin; then validates both configs with the one validator. Nothing is overwritten: when any target exists,
// nothing is written and the message names it.

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { validateConfig } from '../config/validate';
import type { Diagnostic } from '../config/types';
import { configFileNames, MANIFEST_FILE, projectConfig, projectManifest } from './configs';
import { ProjectProblems, type ProjectPlan } from './types';

export interface WrittenProject {
  manifest: string;
  /** The MLA config first, then the joint twin. */
  configs: [string, string];
  splitFiles: string[];
  /** The validator's findings per config (empty when clean). */
  diagnostics: { file: string; diagnostics: Diagnostic[] }[];
}

/** The files `writeProject` would create, absolute. */
export function plannedFiles(plan: ProjectPlan): string[] {
  const names = configFileNames(plan.choices.name);
  return [...plan.newSplits.map((s) => s.file), MANIFEST_FILE, names.mla, names.joint].map((f) =>
    path.join(plan.dir, f),
  );
}

export async function writeProject(plan: ProjectPlan, schemaRef: string | null): Promise<WrittenProject> {
  const targets = plannedFiles(plan);
  const existing = targets.filter((f) => existsSync(f));
  if (existing.length > 0) {
    throw new ProjectProblems(
      existing.map((f) => `${f}: already exists: nothing was written (move it away, or choose another name)`),
    );
  }
  const json = (value: object) => JSON.stringify(value, null, 2) + '\n';
  // 'wx': a file that appeared since the check is still not overwritten.
  const write = (file: string, text: string) => writeFile(file, text, { flag: 'wx' });
  const splitFiles: string[] = [];
  for (const s of plan.newSplits) {
    const file = path.join(plan.dir, s.file);
    await write(file, Array.from(s.rows, String).join('\n') + '\n');
    splitFiles.push(file);
  }
  const manifest = path.join(plan.dir, MANIFEST_FILE);
  await write(manifest, json(projectManifest(plan)));
  const names = configFileNames(plan.choices.name);
  const configs: [string, string] = [path.join(plan.dir, names.mla), path.join(plan.dir, names.joint)];
  const diagnostics: WrittenProject['diagnostics'] = [];
  for (const [file, method] of [
    [configs[0], 'mla'],
    [configs[1], 'joint'],
  ] as const) {
    const text = json(projectConfig(plan, method, schemaRef));
    await write(file, text);
    diagnostics.push({ file, diagnostics: (await validateConfig(text, file)).diagnostics });
  }
  return { manifest, configs, splitFiles, diagnostics };
}
