// The contracts between the model code and its users (the MLA loop, the joint baseline, checkpoints).
import type * as tf from '@tensorflow/tfjs';

/**
 * A parameter with a stable, human-readable name (`audio/conv0/kernel`) used in checkpoints. The tf variable
 * itself keeps an auto-generated tf name, because tf names must be unique per process and tests build many models.
 */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/** Per forward pass: `training` switches dropout and BatchNorm batch statistics; `seed` fixes the dropout masks. */
export interface ForwardContext {
  training: boolean;
  seed: number;
}

export interface Encoder {
  readonly modality: string;
  readonly featureDim: number;
  /** What gradients flow to. */
  readonly trainable: NamedVariable[];
  /** Non-trainable values (BatchNorm moving statistics); saved in checkpoints. */
  readonly state: NamedVariable[];
  /** `x`: `[B, ...sampleShape]` → `[B, featureDim]`. */
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor2D;
  /** Frees every variable of the encoder. */
  dispose(): void;
}

export interface LinearHead {
  /** `[inputDim, classes]`: HGM projects its gradient as `P · G`. */
  readonly kernel: NamedVariable;
  readonly bias: NamedVariable;
  apply(f: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}
