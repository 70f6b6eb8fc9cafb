// The three JSON documents a project gets: its dataset manifest (FORMATS.md §1) and an MLA config with its
// joint-training twin (§2), the same model in both so that the pair shows modality laziness.

import type { ProjectPlan } from './types';

export const MANIFEST_FILE = 'dataset.json';

export function configFileNames(name: string): { mla: string; joint: string } {
  return { mla: `${name}.mla.json`, joint: `${name}-joint.mla.json` };
}

export function projectManifest(plan: ProjectPlan): object {
  const { choices } = plan;
  const splits: Record<string, string> = {};
  for (const s of plan.newSplits) splits[s.split] = s.file;
  for (const s of ['train', 'val', 'test'] as const) {
    const file = choices.splits[s];
    if (file !== undefined) splits[s] = file;
  }
  return {
    name: choices.name,
    labels: choices.labels,
    ...(choices.classes ? { classes: choices.classes } : {}),
    modalities: Object.fromEntries(
      choices.modalities.map((m) => [
        m.name,
        { features: m.features, ...(m.present !== undefined ? { present: m.present } : {}) },
      ]),
    ),
    splits,
  };
}

/**
 * An MLP for vectors and sequences (any shape flattens), a small CNN for `[H, W, C]` images, where the
 * shape says so; `[H, W]` could be an image or a sequence, so it gets the MLP and the user picks.
 */
function encoders(plan: ProjectPlan): Record<string, object> {
  const out: Record<string, object> = { default: { type: 'mlp', hidden: [128], dropout: 0.1 } };
  plan.choices.modalities.forEach((m, i) => {
    if (plan.sampleShapes[i].length === 3)
      out[m.name] = { type: 'conv2d', channels: [16, 32], kernelSize: 3 };
  });
  return out;
}

/** `schemaRef`: where `$schema` points (null leaves it out: VS Code maps `*.mla.json` itself). */
export function projectConfig(plan: ProjectPlan, method: 'mla' | 'joint', schemaRef: string | null): object {
  const { choices } = plan;
  const hasVal = choices.splits.val !== undefined;
  return {
    ...(schemaRef !== null ? { $schema: schemaRef } : {}),
    name: method === 'mla' ? choices.name : `${choices.name}-joint`,
    dataset: MANIFEST_FILE,
    method,
    model: { featureDim: 64, encoders: encoders(plan) },
    // Joint training has no alternation, HGM or fusion: its twin leaves the block out rather than have it ignored.
    ...(method === 'mla'
      ? {
          mla: {
            order: choices.modalities.map((m) => m.name),
            hgm: { mode: 'replace' },
            fusion: { type: 'entropy' },
          },
        }
      : {}),
    preprocess: { scale: 'standardize' },
    training: {
      epochs: 50,
      batchSize: 64,
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 0.0001 },
      lrSchedule: { type: 'step', stepSize: 35, gamma: 0.1 },
      // With the dataset's own val split, valFraction would be ignored (and warned about).
      ...(hasVal ? {} : { valFraction: 0.1 }),
    },
    seeds: [0, 1, 2],
    backend: 'auto',
  };
}
