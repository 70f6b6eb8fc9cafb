// The built-in example project: the generated dataset plus an MLA config and a joint-training config of
// the same model, so that a first run shows modality laziness next to MLA. Shared by `mla example`, the
// README quick start and (later) the editor's "Create Example Project".

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeExampleDataset } from './synthetic';

export const EXAMPLE_DATA_DIR = 'data';

/** `schemaRef`: where the config's `$schema` points (null leaves it out: VS Code maps `*.mla.json` itself). */
export function exampleConfig(method: 'mla' | 'joint', schemaRef: string | null): object {
  return {
    ...(schemaRef !== null ? { $schema: schemaRef } : {}),
    name: `example-${method}`,
    dataset: `${EXAMPLE_DATA_DIR}/dataset.json`,
    method,
    model: {
      featureDim: 64,
      encoders: { default: { type: 'mlp', hidden: [64], dropout: 0.1 } },
    },
    // Joint training has no alternation, HGM or fusion: its config leaves the block out rather than have it ignored.
    ...(method === 'mla'
      ? {
          mla: { order: ['strong', 'medium', 'weak'], hgm: { mode: 'replace' }, fusion: { type: 'entropy' } },
        }
      : {}),
    preprocess: { scale: 'standardize' },
    training: {
      epochs: 30,
      batchSize: 64,
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 0.0001 },
      lrSchedule: { type: 'step', stepSize: 20, gamma: 0.1 },
      valFraction: 0.1,
    },
    seeds: [0, 1, 2],
    backend: 'auto',
  };
}

export interface ExampleProject {
  dataset: string;
  configs: string[];
  /** False when the files were already there and left untouched. */
  wroteData: boolean;
}

/**
 * Writes the example into `dir`: `data/` (generated, seeded) and `example-mla.mla.json`,
 * `example-joint.mla.json`. Existing configs are kept (the user may have edited them); missing data is
 * generated again.
 */
export async function writeExampleProject(dir: string, schemaRef: string | null): Promise<ExampleProject> {
  await mkdir(dir, { recursive: true });
  const dataDir = path.join(dir, EXAMPLE_DATA_DIR);
  const manifest = path.join(dataDir, 'dataset.json');
  const wroteData = !existsSync(manifest);
  if (wroteData) await writeExampleDataset(dataDir);
  const configs: string[] = [];
  for (const method of ['mla', 'joint'] as const) {
    const file = path.join(dir, `example-${method}.mla.json`);
    if (!existsSync(file))
      await writeFile(file, JSON.stringify(exampleConfig(method, schemaRef), null, 2) + '\n');
    configs.push(file);
  }
  return { dataset: manifest, configs, wroteData };
}
