// What a config will ask of memory before a single tensor exists: the model's parameters (with their
// gradients and optimizer slots), the HGM projector (featureDim² float32) and one batch. A featureDim of
// 50 000 would allocate a 10 GB projector and take the machine down mid-run; validation refuses it instead.

import type { EncoderConfig } from './types';

const FLOAT32 = 4;

/** Above this estimate a config is refused. */
export const MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

export interface MemoryModality {
  /** One sample's shape; `null` when unknown (its input layer is then left out, so the estimate stays low). */
  sampleShape: number[] | null;
  encoder: EncoderConfig;
}

export interface MemoryInput {
  featureDim: number;
  classes: number;
  batchSize: number;
  /** Per-parameter optimizer state: 0 for plain SGD, 1 with momentum, 2 for Adam(W). */
  optimizerSlots: number;
  /** Whether the run keeps an HGM projector (method `mla` with HGM on). */
  projector: boolean;
  modalities: MemoryModality[];
}

export interface MemoryEstimate {
  parameters: number;
  projector: number;
  batch: number;
  total: number;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const linear = (inDim: number, outDim: number) => inDim * outDim + outDim;

/** Parameter count of one encoder, its Linear(featureDim) projection included. */
function encoderParameters(m: MemoryModality, featureDim: number): number {
  const shape = m.sampleShape;
  const e = m.encoder;
  switch (e.type) {
    case 'mlp': {
      let inDim = shape ? product(shape) : 0;
      let count = 0;
      for (const width of [...e.hidden, featureDim]) {
        count += linear(inDim, width);
        inDim = width;
      }
      return count;
    }
    case 'conv1d':
    case 'conv2d': {
      const taps = e.type === 'conv1d' ? e.kernelSize : e.kernelSize * e.kernelSize;
      let inC = shape ? (e.type === 'conv1d' ? (shape[1] ?? 1) : (shape[2] ?? 1)) : 1;
      let count = 0;
      for (const outC of e.channels) {
        count += taps * inC * outC + outC;
        inC = outC;
      }
      return count + linear(inC, featureDim);
    }
    case 'resnet18': {
      // Stem 7×7, then per stage two BasicBlocks of two 3×3 convs (the first block's first conv widens).
      const inC = shape ? (shape[2] ?? 1) : 1;
      let count = 49 * inC * e.widths[0];
      let prev = e.widths[0];
      for (const w of e.widths) {
        count += 9 * prev * w + 3 * 9 * w * w + (prev !== w ? prev * w : 0);
        prev = w;
      }
      return count + (featureDim !== prev ? linear(prev, featureDim) : 0);
    }
    case 'transformer': {
      const inDim = shape ? (shape[1] ?? 1) : 0;
      const perLayer = 4 * linear(e.dim, e.dim) + linear(e.dim, e.ffDim) + linear(e.ffDim, e.dim) + 4 * e.dim;
      return linear(inDim, e.dim) + e.layers * perLayer + linear(e.dim, featureDim);
    }
  }
}

export function estimateMemory(input: MemoryInput): MemoryEstimate {
  const { featureDim, classes, batchSize, modalities } = input;
  const params =
    modalities.reduce((sum, m) => sum + encoderParameters(m, featureDim), 0) +
    // Fused or per-modality heads: at most one featureDim×classes kernel per modality.
    Math.max(1, modalities.length) * linear(featureDim, classes);
  // Weights, their gradients, and the optimizer's slots.
  const parameters = params * FLOAT32 * (2 + input.optimizerSlots);
  // The projector and the new one each RLS update builds before the old one is released.
  const projector = input.projector ? 2 * featureDim * featureDim * FLOAT32 : 0;
  const inputs = modalities.reduce((sum, m) => sum + (m.sampleShape ? product(m.sampleShape) : 0), 0);
  // The inputs, and each modality's features forward and backward.
  const batch = batchSize * (inputs + 2 * featureDim * Math.max(1, modalities.length)) * FLOAT32;
  return { parameters, projector, batch, total: parameters + projector + batch };
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 1) return `${gib >= 100 ? gib.toExponential(2) : gib.toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** The refusal, naming the estimate and its parts; null when the estimate fits. */
export function memoryProblem(e: MemoryEstimate, limit = MEMORY_LIMIT_BYTES): string | null {
  if (e.total <= limit) return null;
  return (
    `the model needs an estimated ${formatBytes(e.total)} (parameters with gradients and optimizer state ` +
    `${formatBytes(e.parameters)}, HGM projector ${formatBytes(e.projector)}, one batch ${formatBytes(e.batch)}), ` +
    `above the limit of ${formatBytes(limit)}: lower model.featureDim, the encoder sizes or training.batchSize`
  );
}
