// The benchmark's four workloads as config files in a temp folder: (a) MLA on handwritten with the peer's
// config, (b) the same with method "joint", (c) a conv2d encoder on a [32, 32] grid plus an MLP modality,
// (d) a transformer encoder on a [16, 32] sequence plus an MLP modality (generated data, fixed seed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  generateGridDataset,
  generateSequenceDataset,
  writeGeneratedDataset,
} from '../../src/core/data/synthetic';
import { writeExampleProject } from '../../src/core/data/exampleProject';

export interface Workload {
  key: 'a' | 'b' | 'c' | 'd';
  title: string;
  configFile: string;
  /** The PyTorch peer implements MLP encoders only. */
  peer: boolean;
}

export const REPO = path.resolve(__dirname, '..', '..');
export const SHARED = path.resolve(REPO, '..', 'shared');
export const PEER_CONFIG = path.join(SHARED, 'peer', 'handwritten.mla.json');

type Raw = Record<string, unknown> & { dataset: string };

/** The peer config with its dataset path made absolute (so a copy can live elsewhere) and `patch` applied. */
function peerConfigCopy(patch: Partial<Raw>): Raw {
  const raw = JSON.parse(fs.readFileSync(PEER_CONFIG, 'utf8')) as Raw;
  raw.dataset = path.resolve(path.dirname(PEER_CONFIG), raw.dataset);
  return { ...raw, ...patch };
}

function structuredConfig(name: string, dataset: string, encoder: object, order: string[]): object {
  return {
    name,
    dataset,
    method: 'mla',
    model: { featureDim: 128, encoders: { default: { type: 'mlp', hidden: [64] }, [order[0]]: encoder } },
    mla: { order, hgm: { mode: 'replace' }, fusion: { type: 'entropy' } },
    preprocess: { scale: 'standardize' },
    training: {
      epochs: 3,
      batchSize: 64,
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 0.0001 },
      valFraction: 0.1,
    },
    seeds: [0],
  };
}

function write(file: string, config: object): string {
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

export async function prepareWorkloads(dir: string): Promise<Workload[]> {
  const gridData = await writeGeneratedDataset(
    path.join(dir, 'grid'),
    generateGridDataset({ seed: 0, samples: 640 }),
  );
  const sequenceData = await writeGeneratedDataset(
    path.join(dir, 'sequence'),
    generateSequenceDataset({ seed: 0, samples: 1280 }),
  );
  return [
    {
      key: 'a',
      title: '(a) MLA, handwritten, peer config (6 MLPs, featureDim 128, batch 64, SGD, HGM)',
      configFile: write(path.join(dir, 'a-mla.mla.json'), peerConfigCopy({})),
      peer: true,
    },
    {
      key: 'b',
      title: '(b) joint, handwritten, peer config',
      configFile: write(
        path.join(dir, 'b-joint.mla.json'),
        peerConfigCopy({ name: 'handwritten-joint', method: 'joint' }),
      ),
      peer: true,
    },
    {
      key: 'c',
      title: '(c) MLA, conv2d [32,32] grid (channels 32,64, 3×3) + MLP vector, 640 samples',
      configFile: write(
        path.join(dir, 'c-grid.mla.json'),
        structuredConfig(
          'bench-grid',
          gridData,
          { type: 'conv2d', channels: [32, 64], kernelSize: 3, dropout: 0 },
          ['image', 'vector'],
        ),
      ),
      peer: false,
    },
    {
      key: 'd',
      title: '(d) MLA, transformer [16,32] sequence (2 layers, dim 64, 4 heads) + MLP vector, 1280 samples',
      configFile: write(
        path.join(dir, 'd-sequence.mla.json'),
        structuredConfig(
          'bench-sequence',
          sequenceData,
          { type: 'transformer', layers: 2, dim: 64, heads: 4, ffDim: 128, dropout: 0.1 },
          ['series', 'vector'],
        ),
      ),
      peer: false,
    },
  ];
}

/** The built-in example's MLA config (small and fast): the long run of the memory figure. */
export async function exampleConfig(dir: string): Promise<string> {
  const project = await writeExampleProject(path.join(dir, 'example'), null);
  return project.configs[0];
}
