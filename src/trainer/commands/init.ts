// `mla init DIR`: from a folder of arrays to a dataset manifest and two configs ready to train, with the same
// core code as the editor's "New Project from Data…" wizard. Flags override the name-based guesses; on a
// terminal it shows the plan and asks before writing, unless --yes.

import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../core/config/format';
import { defaultChoices, type ChoiceOverrides } from '../../core/project/choices';
import { planProject } from '../../core/project/plan';
import { describeFile, scanFolder } from '../../core/project/scan';
import { ProjectProblems, type ProjectPlan, type ScannedFile } from '../../core/project/types';
import { plannedFiles, writeProject } from '../../core/project/write';
import { UsageError, parseSeed } from '../args';
import { INIT_HELP } from '../usage';

function parseModalities(value: string): { name?: string; features: string }[] {
  const out = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === 0 || eq === part.length - 1)
        throw new UsageError(`--modalities: expected NAME=FILE or FILE, found "${part}"`);
      return eq > 0 ? { name: part.slice(0, eq), features: part.slice(eq + 1) } : { features: part };
    });
  if (out.length === 0) throw new UsageError('--modalities: expected at least one NAME=FILE');
  return out;
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1))
    throw new UsageError(`--test-fraction: expected a number between 0 and 1 (e.g. 0.2), found "${value}"`);
  return n;
}

function checkNamed(files: ScannedFile[], dir: string, file: string, flag: string): void {
  if (files.some((f) => f.name === file)) return;
  const names = files.map((f) => f.name).join(', ') || 'none';
  throw new UsageError(`${flag}: ${path.join(dir, file)} is not an array file of ${dir} (found: ${names})`);
}

function planText(plan: ProjectPlan): string {
  const { choices } = plan;
  const lines = [
    `project "${choices.name}": ${plan.rows} samples, ${plan.classCount} classes (labels: ${choices.labels})`,
    ...choices.modalities.map(
      (m, i) =>
        `  modality ${m.name}: ${m.features} [${plan.sampleShapes[i].join(', ')}] per sample` +
        (m.present !== undefined ? `, present: ${m.present}` : ''),
    ),
  ];
  if (plan.newSplits.length > 0) {
    const [train, test] = plan.newSplits;
    lines.push(
      `  split: ${train.rows.length} train / ${test.rows.length} test, stratified (test fraction ${choices.testFraction}, seed ${choices.seed})`,
    );
  } else {
    const given = (['train', 'val', 'test'] as const).filter((s) => choices.splits[s] !== undefined);
    lines.push(`  splits: ${given.map((s) => `${s} ${choices.splits[s]}`).join(', ')} (the folder's own)`);
  }
  return lines.join('\n') + '\n';
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}

/** The schema as shipped beside the bundle, so the configs validate in VS Code wherever they are written. */
function schemaRefFrom(dir: string): string {
  const schema = path.resolve(__dirname, '..', 'schemas', 'mla-config.schema.json');
  return path.relative(dir, schema).split(path.sep).join('/');
}

export async function initCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      labels: { type: 'string' },
      name: { type: 'string' },
      modalities: { type: 'string' },
      classes: { type: 'string' },
      'test-fraction': { type: 'string' },
      seed: { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(INIT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one folder: mla init DIR [options]');
  const dir = path.resolve(positionals[0]);
  const files = await scanFolder(dir);
  if (files.length === 0) {
    throw new UsageError(
      `${dir}: no .npy, .csv, .csv.gz or .txt files: expected the folder holding your arrays`,
    );
  }
  const overrides: ChoiceOverrides = {};
  if (values.name !== undefined) overrides.name = values.name;
  if (values.labels !== undefined) {
    checkNamed(files, dir, values.labels, '--labels');
    overrides.labels = values.labels;
  }
  if (values.modalities !== undefined) {
    overrides.modalities = parseModalities(values.modalities);
    for (const m of overrides.modalities) checkNamed(files, dir, m.features, '--modalities');
  }
  if (values.classes !== undefined) overrides.classes = values.classes.split(',').map((c) => c.trim());
  if (values['test-fraction'] !== undefined) overrides.testFraction = parseFraction(values['test-fraction']);
  if (values.seed !== undefined) overrides.seed = parseSeed(values.seed);

  process.stdout.write(`${dir}:\n` + files.map((f) => `  ${f.name}  ${describeFile(f)}\n`).join(''));
  const choices = defaultChoices(dir, files, overrides);
  if (!choices) {
    throw new UsageError(
      `${dir}: no labels file found by name (labels.*, label.*, y.*, targets.*): name it with --labels FILE`,
    );
  }
  let plan: ProjectPlan;
  try {
    plan = await planProject(dir, files, choices);
  } catch (error) {
    if (!(error instanceof ProjectProblems)) throw error;
    for (const p of error.problems) process.stderr.write(`mla init: ${p}\n`);
    process.stderr.write(
      `mla init: nothing written (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'})\n`,
    );
    return 1;
  }
  process.stdout.write(planText(plan));
  const targets = plannedFiles(plan);
  if (!values.yes && process.stdin.isTTY) {
    const shown = targets.map((f) => path.relative(process.cwd(), f) || f).join(', ');
    if (!(await confirm(`write ${shown}? [Y/n] `))) {
      process.stdout.write('nothing written\n');
      return 0;
    }
  }
  let written;
  try {
    written = await writeProject(plan, schemaRefFrom(dir));
  } catch (error) {
    if (!(error instanceof ProjectProblems)) throw error;
    for (const p of error.problems) process.stderr.write(`mla init: ${p}\n`);
    return 1;
  }
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  for (const f of [...written.splitFiles, written.manifest, ...written.configs])
    process.stdout.write(`wrote ${rel(f)}\n`);
  let errors = 0;
  for (const { file, diagnostics } of written.diagnostics) {
    for (const d of diagnostics) {
      process.stderr.write(formatDiagnostic(rel(file), d) + '\n');
      if (d.severity === 'error') errors++;
    }
  }
  if (errors > 0) return 1;
  process.stdout.write(`train it: mla train ${rel(written.configs[0])}\n`);
  return 0;
}
