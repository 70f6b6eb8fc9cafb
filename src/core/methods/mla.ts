// MLA (docs/algorithm.md): inside each batch, one modality after another in `mla.order` (walked as
// `mla.alternation` says) takes a step of its own encoder and the shared head on its own loss, over the rows
// that have it; HGM (§2) projects the head kernel's gradient. Test time: the configured fusion of the
// per-modality predictions (§3).

import * as tf from '@tensorflow/tfjs';
import { tensorHost } from '../backend/host';
import type { AlternationOrder, HgmMode, ResolvedConfig } from '../config/types';
import { hgmAlpha, HgmDivergedError, HgmProjector } from '../mla/hgm';
import type { Optimizer } from '../optim/optimizer';
import type { Checkpoint, NamedTensor } from '../runs/checkpoint';
import { labelTensor, presentRows } from '../train/batches';
import { fastMlaMlpStep, fastPathApplies } from '../train/fast/mla-mlp-step';
import { countCorrect, softmaxCrossEntropy } from '../train/loss';
import type { Network } from '../train/network';
import { NonFiniteLossError } from '../train/finite-loss';
import type { EpochRecord } from '../runs/types';
import { Rng } from '../util/random';
import { applyUpdates } from './apply-updates';
import { unimodalMeans } from './means';
import type {
  EpochMeans,
  MethodSetup,
  MethodSnapshot,
  MethodTrainer,
  StepFigure,
  StepTotals,
  TrainBatch,
  TrainingMethod,
} from './types';

/**
 * Added, times the modality's index, to the batch's dropout seed, so that the modality steps of one batch
 * draw different masks. Any odd constant would do; this prime is part of every MLA run's numbers (changing
 * it changes results and breaks the exact resume of existing runs).
 */
export const MODALITY_SEED_STRIDE = 7919;

const PROJECTOR_TENSOR = 'hgm/projector';

export interface MlaStepInput {
  modality: string;
  x: tf.Tensor;
  y: tf.Tensor2D;
  lr: number;
  batch: number;
  batches: number;
  seed: number;
  /** Encoders already stepped in this batch: given zero gradients to mimic torch's zero_grad quirk. */
  quirkEncoders: string[];
  /** False forces the autodiff path where the fast path applies (tests compare the two). Default true. */
  fastPath?: boolean;
}

/**
 * One MLA modality step: the active modality's encoder and the shared head take one step on that modality's
 * loss alone. MLP encoders on the wasm and cpu backends take the fast path (fast/mla-mlp-step.ts), the rest
 * autodiff.
 */
export function mlaStep(
  net: Network,
  optimizer: Optimizer,
  hgm: { projector: HgmProjector; mode: HgmMode } | null,
  input: MlaStepInput,
): StepTotals {
  const host = input.fastPath === false ? null : tensorHost();
  if (host && fastPathApplies(net, input.modality, input.x)) {
    return fastMlaMlpStep(host, net, optimizer, hgm, input);
  }
  const encoder = net.encoder(input.modality);
  const kernel = net.head.kernel.variable;
  const variables = [...encoder.trainable.map((v) => v.variable), kernel, net.head.bias.variable];
  const rows = input.x.shape[0];
  return tf.tidy(() => {
    let features: tf.Tensor2D | null = null;
    let logits: tf.Tensor2D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const f = encoder.apply(input.x, { training: true, seed: input.seed });
      const z = net.head.apply(f);
      // Kept past the gradient scope: HGM needs the features, the metrics need the logits.
      features = tf.keep(f);
      logits = tf.keep(z);
      return softmaxCrossEntropy(z, input.y);
    }, variables);
    const updates = variables.map((variable) => ({ variable, grad: grads[variable.name] }));
    if (hgm && hgm.mode !== 'off') {
      const alpha = hgmAlpha(input.batch, input.batches);
      const projected = hgm.projector.step(features!, alpha, grads[kernel.name] as tf.Tensor2D, hgm.mode);
      if (projected) updates[updates.length - 2].grad = projected;
    }
    for (const m of input.quirkEncoders) {
      for (const v of net.encoder(m).trainable)
        updates.push({ variable: v.variable, grad: tf.zerosLike(v.variable) });
    }
    applyUpdates(optimizer, host, updates, input.lr);
    const lossSum = tf.keep(value.mul(rows) as tf.Scalar);
    const correct = tf.keep(countCorrect(logits!, input.y));
    tf.dispose([features!, logits!]);
    return { lossSum, correct, rows };
  });
}

/**
 * The indices into `mla.order` in the order the batches of `epoch` step them: as written, backwards, or a
 * permutation drawn from (seed, epoch), so a resumed run walks the same one. A run folder from before the
 * option has none recorded: fixed.
 */
export function alternationSequence(
  mode: AlternationOrder | undefined,
  modalities: number,
  seed: number,
  epoch: number,
): number[] {
  const fixed = Array.from({ length: modalities }, (_, i) => i);
  if (mode === 'reversed') return fixed.reverse();
  if (mode === 'random')
    return Array.from(Rng.fromSeed(seed, `alternation/${epoch}`).permutation(modalities));
  return fixed;
}

class MlaTrainer implements MethodTrainer {
  readonly totalsKeys: readonly string[];
  private projector: HgmProjector | null;
  private readonly hgmMode: HgmMode;

  constructor(private readonly setup: MethodSetup) {
    const { config, data } = setup;
    this.totalsKeys = data.modalities.map((m) => m.name);
    this.hgmMode = config.mla.hgm.mode;
    this.projector = this.hgmMode !== 'off' ? new HgmProjector(config.model.featureDim) : null;
  }

  trainBatch(batch: TrainBatch): StepFigure[] {
    const { config, data, net, optimizer, gatherers } = this.setup;
    const C = data.classes.length;
    const hgm = this.projector ? { projector: this.projector, mode: this.hgmMode } : null;
    const done: string[] = [];
    const figures: StepFigure[] = [];
    const sequence = alternationSequence(
      config.mla.alternation,
      data.modalities.length,
      this.setup.seed,
      batch.epoch,
    );
    for (const k of sequence) {
      const m = data.modalities[k];
      const sel = presentRows(batch.rows, m.present, !m.hasMissing);
      if (sel.length === 0) continue;
      const x = gatherers[k].gather(sel);
      const y = labelTensor(data.labels, sel, C);
      let t: StepTotals;
      try {
        t = mlaStep(net, optimizer, hgm, {
          modality: m.name,
          x,
          y,
          lr: batch.lr,
          batch: batch.batch,
          batches: batch.batches,
          seed: (batch.seed + k * MODALITY_SEED_STRIDE) >>> 0,
          quirkEncoders: config.mla.replicateTorchZeroGradQuirk ? done : [],
        });
      } catch (error) {
        throw error instanceof HgmDivergedError ? divergedAt(batch.epoch, m.name, error) : error;
      } finally {
        tf.dispose([x, y]);
      }
      figures.push({ key: m.name, ...t });
      done.push(m.name);
    }
    return figures;
  }

  trainRecord(means: EpochMeans, order: readonly string[]): EpochRecord['train'] {
    return { ...unimodalMeans(means, order), fusedLoss: null, fusedAcc: null };
  }

  async snapshot(): Promise<MethodSnapshot> {
    const p = this.projector;
    if (!p) return { tensors: [], hgm: null };
    const values = await p.read();
    return {
      tensors: [{ name: PROJECTOR_TENSOR, shape: [p.dim, p.dim], values }],
      hgm: { dim: p.dim, firstStepDone: p.firstStepDone },
    };
  }

  restore(checkpoint: Checkpoint, tensors: Map<string, NamedTensor>): void {
    const where = checkpoint.dir;
    const hgm = checkpoint.hgm as { dim: number; firstStepDone: boolean } | null;
    if (!this.projector) return;
    if (!hgm) throw new Error(`${where}: the run uses HGM but the checkpoint holds no projector`);
    const matrix = tensors.get(PROJECTOR_TENSOR);
    if (!matrix) throw new Error(`${where}: the HGM projector tensor is missing`);
    const restored = HgmProjector.fromJSON(
      { dim: hgm.dim, firstStepDone: hgm.firstStepDone, matrix: Array.from(matrix.values) },
      where,
    );
    this.projector.dispose();
    this.projector = restored;
  }

  dispose(): void {
    this.projector?.dispose();
    this.projector = null;
  }
}

export const mla: TrainingMethod = {
  name: 'mla',
  headInputs: (featureDim) => featureDim,
  logits(net, xs) {
    const ctx = { training: false, seed: 0 };
    return {
      unimodal: net.order.map((m, i) => net.head.apply(net.encoder(m).apply(xs[i], ctx))),
      fused: null,
    };
  },
  evalHead: {
    zeroAbsent: false,
    unimodal: () => ({ rowBlock: 0, columnBlock: 0, biasDivisor: 1 }),
    fused: 'none',
  },
  fusion: (config: ResolvedConfig) => ({
    type: config.mla.fusion.type,
    perSample: config.mla.fusion.type !== 'entropy-batch',
  }),
  trainer: (setup) => new MlaTrainer(setup),
};

/** The projector's blow-up said as the diverged loss is: the epoch, the modality, what may help. */
function divergedAt(epoch: number, modality: string, error: HgmDivergedError): NonFiniteLossError {
  return new NonFiniteLossError(
    `epoch ${epoch + 1}: modality "${modality}": the HGM projector became zero or non-finite ` +
      `(‖P‖²_F = ${error.sumSq}): training diverged; a lower training.optimizer.lr or preprocess.scale may help`,
  );
}
