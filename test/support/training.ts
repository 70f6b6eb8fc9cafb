// Shared helpers for tests that train for real: a temp workspace with the generated example, the config
// through the one validator, and runs through the same runner the command line uses.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../../src/core/backend/select';
import type { BackendSelection } from '../../src/core/backend/types';
import { writeExampleProject } from '../../src/core/data/exampleProject';
import { generateGridDataset, writeGeneratedDataset } from '../../src/core/data/synthetic';
import { validateConfig } from '../../src/core/config/validate';
import type { BackendChoice, ResolvedConfig } from '../../src/core/config/types';
import { readJsonl } from '../../src/core/runs/jsonl';
import type { EpochRecord, MetricsRecord } from '../../src/core/runs/types';
import { startRun, type RunOutcome } from '../../src/core/train/runner';
import type { TrainerHooks } from '../../src/core/train/session';

export const REPO = path.resolve(__dirname, '..', '..');
/** Real datasets and the PyTorch implementation, for the slow tier: `MLA_SHARED`, else `shared/` beside the clone. */
export const SHARED = process.env.MLA_SHARED ?? path.resolve(REPO, '..', 'shared');

/** The handwritten dataset (UCI Multiple Features) and the six-MLP config the peer shares, in `SHARED`. */
export const HANDWRITTEN_DATASET = path.join(SHARED, 'datasets', 'handwritten', 'dataset.json');
export const HANDWRITTEN_CONFIG = path.join(SHARED, 'peer', 'handwritten.mla.json');

/** Why the handwritten tests cannot run here (the skip reason), or null when the data and config are there. */
export function handwrittenMissing(): string | null {
  if (!fs.existsSync(HANDWRITTEN_DATASET)) return `the handwritten dataset is not at ${HANDWRITTEN_DATASET}`;
  if (!fs.existsSync(HANDWRITTEN_CONFIG)) return `the handwritten config is not at ${HANDWRITTEN_CONFIG}`;
  return null;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mla-${prefix}-`));
}

export async function exampleWorkspace(): Promise<{ dir: string; mla: string; joint: string }> {
  const dir = tempDir('example');
  const project = await writeExampleProject(dir, 'unused.json');
  return { dir, mla: project.configs[0], joint: project.configs[1] };
}

/** A small MLA config with a conv2d image encoder on a generated grid dataset; returns the config file. */
export async function convWorkspace(name: string): Promise<string> {
  const dir = tempDir(name);
  const dataset = await writeGeneratedDataset(dir, generateGridDataset({ seed: 0, samples: 120 }));
  const file = path.join(dir, 'conv.mla.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      name,
      dataset,
      method: 'mla',
      model: {
        featureDim: 16,
        encoders: {
          default: { type: 'mlp', hidden: [8] },
          image: { type: 'conv2d', channels: [4, 8], kernelSize: 3, dropout: 0 },
        },
      },
      mla: { order: ['image', 'vector'] },
      training: { epochs: 3, batchSize: 32, optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 } },
      seeds: [0],
    }),
  );
  return file;
}

export async function loadConfig(
  file: string,
  patch?: (raw: Record<string, unknown>) => void,
): Promise<ResolvedConfig> {
  let text = fs.readFileSync(file, 'utf8');
  if (patch) {
    const raw = JSON.parse(text) as Record<string, unknown>;
    patch(raw);
    text = JSON.stringify(raw, null, 2);
  }
  const result = await validateConfig(text, file);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.config || errors.length > 0) {
    throw new Error(
      `config ${file} is invalid: ${errors.map((d) => `${d.pointer}: ${d.message}`).join('; ')}`,
    );
  }
  return result.config;
}

const backends = new Map<BackendChoice, BackendSelection>();

export async function backend(choice: BackendChoice = 'wasm'): Promise<BackendSelection> {
  if (!backends.has(choice)) backends.set(choice, await selectBackend(choice));
  return backends.get(choice)!;
}

export const NEVER_STOP: TrainerHooks = { shouldStop: () => false };

export async function train(
  config: ResolvedConfig,
  seed: number,
  runsDir: string,
  hooks: TrainerHooks = NEVER_STOP,
): Promise<RunOutcome> {
  return startRun({
    config,
    configFile: path.join(runsDir, 'test.mla.json'),
    seed,
    runsDir,
    backend: await backend(),
    hooks,
  });
}

export function epochRecords(runDir: string): EpochRecord[] {
  const { records } = readJsonl<MetricsRecord>(path.join(runDir, 'metrics.jsonl'));
  return records.filter((r): r is EpochRecord => r.type === 'epoch');
}

/** An epoch record without what depends on the clock. */
export function timeless(
  r: EpochRecord,
): Omit<EpochRecord, 'samplesPerSecond' | 'seconds' | 'elapsed' | 'time'> {
  const { samplesPerSecond: _s, seconds: _t, elapsed: _e, time: _c, ...rest } = r;
  return rest;
}
