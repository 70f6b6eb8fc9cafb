// Analytic floating-point operations of one training step of an encoder plus the head, per sample: the
// multiply-adds of convolutions and matrix products (2 FLOPs each); element-wise work is left out, as GFLOP/s
// figures usually do. Backward costs twice the forward (input and weight gradients), except that the first
// layer needs no input gradient (the data is no variable, and TF.js prunes that branch of the tape).
import type { EncoderConfig } from '../../src/core/config/types';

interface Layer {
  /** Forward FLOPs per sample. */
  flops: number;
  /** True for the layer that reads the data: its backward is the weight gradient only. */
  first: boolean;
}

function mlpLayers(inputSize: number, hidden: number[], featureDim: number): Layer[] {
  const widths = [inputSize, ...hidden, featureDim];
  return widths.slice(1).map((w, i) => ({ flops: 2 * widths[i] * w, first: i === 0 }));
}

function conv2dLayers(
  sampleShape: number[],
  channels: number[],
  kernel: number,
  featureDim: number,
): Layer[] {
  let [h, w] = sampleShape;
  let cin = sampleShape[2] ?? 1;
  const layers: Layer[] = [];
  channels.forEach((cout, i) => {
    layers.push({ flops: 2 * h * w * kernel * kernel * cin * cout, first: i === 0 });
    // 'same' padding keeps the size; the 2×2 max-pool halves every axis wider than 1.
    h = h > 1 ? Math.floor(h / 2) : h;
    w = w > 1 ? Math.floor(w / 2) : w;
    cin = cout;
  });
  layers.push({ flops: 2 * cin * featureDim, first: false });
  return layers;
}

/** Torchvision's ResNet-18 (model/resnet18.ts): 7×7/2 stem, 3×3/2 max-pool, stages of 2 BasicBlocks. */
function resnet18Layers(sampleShape: number[], widths: number[], featureDim: number): Layer[] {
  const out = (size: number, stride: number) => Math.ceil(size / stride);
  let [h, w] = sampleShape;
  let cin = sampleShape[2] ?? 1;
  h = out(h, 2);
  w = out(w, 2);
  const layers: Layer[] = [{ flops: 2 * h * w * 49 * cin * widths[0], first: true }];
  h = out(h, 2);
  w = out(w, 2);
  cin = widths[0];
  widths.forEach((width, stage) => {
    for (let b = 0; b < 2; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      h = out(h, stride);
      w = out(w, stride);
      layers.push({ flops: 2 * h * w * 9 * cin * width, first: false });
      layers.push({ flops: 2 * h * w * 9 * width * width, first: false });
      if (cin !== width || stride !== 1) layers.push({ flops: 2 * h * w * cin * width, first: false });
      cin = width;
    }
  });
  if (cin !== featureDim) layers.push({ flops: 2 * cin * featureDim, first: false });
  return layers;
}

function transformerLayers(
  sampleShape: number[],
  cfg: { layers: number; dim: number; ffDim: number },
  featureDim: number,
): Layer[] {
  const [t, d] = sampleShape;
  const { dim, ffDim } = cfg;
  const out: Layer[] = [{ flops: 2 * t * d * dim, first: true }];
  for (let i = 0; i < cfg.layers; i++) {
    out.push({ flops: 4 * 2 * t * dim * dim, first: false }); // query, key, value, output projections
    out.push({ flops: 2 * 2 * t * t * dim, first: false }); // scores and the weighted sum, all heads
    out.push({ flops: 2 * 2 * t * dim * ffDim, first: false }); // the MLP
  }
  out.push({ flops: 2 * dim * featureDim, first: false });
  return out;
}

function layersOf(sampleShape: number[], cfg: EncoderConfig, featureDim: number): Layer[] {
  switch (cfg.type) {
    case 'mlp':
      return mlpLayers(
        sampleShape.reduce((a, b) => a * b, 1),
        cfg.hidden,
        featureDim,
      );
    case 'conv2d':
      return conv2dLayers(sampleShape, cfg.channels, cfg.kernelSize, featureDim);
    case 'transformer':
      return transformerLayers(sampleShape, cfg, featureDim);
    case 'resnet18':
      return resnet18Layers(sampleShape, cfg.widths, featureDim);
    default:
      throw new Error(`bench: no FLOP count for ${cfg.type} encoders`);
  }
}

/** FLOPs of one forward and backward pass of the encoder and a head of `classes` outputs, per sample. */
export function trainFlopsPerSample(
  sampleShape: number[],
  cfg: EncoderConfig,
  featureDim: number,
  classes: number,
): number {
  const layers = [
    ...layersOf(sampleShape, cfg, featureDim),
    { flops: 2 * featureDim * classes, first: false },
  ];
  return layers.reduce((sum, l) => sum + l.flops * (l.first ? 2 : 3), 0);
}
