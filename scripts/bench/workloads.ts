// The benchmark's workloads as config files in a temp folder: (a) MLA on handwritten with the peer's config,
// (b) the same with method "joint", (c) a conv2d encoder on a [32, 32] grid plus an MLP modality, (d) a
// transformer encoder on a [16, 32] sequence plus an MLP modality, (e) the paper's ResNet-18 on a [64, 64, 3]
// grid plus an MLP modality, (f) the transformer of (d) at dim 256, 4 layers (generated data, fixed seed).
// (e) and (f) are the GPU's workloads: heavy enough that a GPU should beat wasm many times over.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type GeneratedDataset,
  generateGridDataset,
  generateSequenceDataset,
  writeGeneratedDataset,
} from '../../src/core/data/synthetic';
import { writeExampleProject } from '../../src/core/data/exampleProject';

export const WORKLOAD_KEYS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
export type WorkloadKey = (typeof WORKLOAD_KEYS)[number];

/** Conv and attention encoders: not run on the plain cpu backend, timed over fewer epochs. */
export function isStructured(key: WorkloadKey): boolean {
  return key !== 'a' && key !== 'b';
}

export interface Workload {
  key: WorkloadKey;
  title: string;
  configFile: string;
  /** The bench runs the PyTorch peer on it too (same encoders, same data, 1 thread); (e) and (f) are GPU-sized. */
  peer: boolean;
}

export const REPO = path.resolve(__dirname, '..', '..');
/** Real datasets and the PyTorch peer: `MLA_SHARED`, else `shared/` beside the clone (as the tests). */
export const SHARED = process.env.MLA_SHARED ?? path.resolve(REPO, '..', 'shared');
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

/** The grid dataset's [32, 32] images as [64, 64, 3]: each pixel doubled both ways, the channels scaled apart. */
function grid64(dataset: GeneratedDataset): GeneratedDataset {
  const image = dataset.files['image.npy'];
  const [n, h, w] = image.shape;
  const src = image.data as Float32Array;
  const out = new Float32Array(n * 4 * h * w * 3);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < 2 * h; y++)
      for (let x = 0; x < 2 * w; x++) {
        const v = src[i * h * w + (y >> 1) * w + (x >> 1)];
        const at = ((i * 2 * h + y) * 2 * w + x) * 3;
        out[at] = v;
        out[at + 1] = 0.5 * v;
        out[at + 2] = -v;
      }
  return {
    manifest: { ...dataset.manifest, name: 'synthetic grid 64×64×3' },
    files: { ...dataset.files, 'image.npy': { shape: [n, 2 * h, 2 * w, 3], data: out } },
  };
}

export async function prepareWorkloads(
  dir: string,
  only: readonly WorkloadKey[] = WORKLOAD_KEYS,
): Promise<Workload[]> {
  const all = await allWorkloads(dir, only);
  return all.filter((w) => only.includes(w.key));
}

async function allWorkloads(dir: string, only: readonly WorkloadKey[]): Promise<Workload[]> {
  const grid64Data = only.includes('e')
    ? await writeGeneratedDataset(
        path.join(dir, 'grid64'),
        grid64(generateGridDataset({ seed: 0, samples: 320 })),
      )
    : '';
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
      configFile: only.includes('a') ? write(path.join(dir, 'a-mla.mla.json'), peerConfigCopy({})) : '',
      peer: true,
    },
    {
      key: 'b',
      title: '(b) joint, handwritten, peer config',
      configFile: only.includes('b')
        ? write(
            path.join(dir, 'b-joint.mla.json'),
            peerConfigCopy({ name: 'handwritten-joint', method: 'joint' }),
          )
        : '',
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
      peer: true,
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
      peer: true,
    },
    {
      key: 'e',
      title: '(e) MLA, ResNet-18 [64,64,3] grid (widths 64,128,256,512) + MLP vector, 320 samples',
      configFile: write(
        path.join(dir, 'e-resnet.mla.json'),
        structuredConfig('bench-resnet18', grid64Data, { type: 'resnet18' }, ['image', 'vector']),
      ),
      peer: false,
    },
    {
      key: 'f',
      title:
        '(f) MLA, transformer [16,32] sequence (4 layers, dim 256, 4 heads, ffDim 512) + MLP vector, 1280 samples',
      configFile: write(
        path.join(dir, 'f-transformer256.mla.json'),
        structuredConfig(
          'bench-transformer256',
          sequenceData,
          { type: 'transformer', layers: 4, dim: 256, heads: 4, ffDim: 512, dropout: 0.1 },
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
