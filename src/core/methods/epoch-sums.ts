// A method's per-modality figures (OGM-GE's ρ and k, MMPareto's conflict rate and cosine) summed on the device
// over an epoch's batches and read once, when the epoch's record is written. A checkpoint taken inside an epoch
// carries the sums so far, so a resumed run records the same means as an uninterrupted one.

import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../runs/checkpoint';

export interface EpochSumsLayout {
  /** Diagnostics keys are `<prefix>/<series>/<modality>`, written modality by modality in `series` order. */
  prefix: string;
  series: readonly { name: string; tensor: string }[];
  /** The checkpoint tensor of the batch counts. */
  countTensor: string;
  /** One count per modality (a batch may leave a modality out), or one for all, saved with shape [1]. */
  perModalityCount: boolean;
  /** What the sums are, for the message about a damaged checkpoint. */
  what: string;
}

export class EpochSums {
  private sums: tf.Tensor1D[] | null = null;
  private counts: number[] = [];

  constructor(private readonly layout: EpochSumsLayout) {}

  /** One batch: `values` in `series` order, each [M] (disposed here); `counted[i]`: modality i counts it. */
  add(values: tf.Tensor1D[], counted: readonly boolean[]): void {
    const old = this.sums;
    this.sums = values.map((v, j) => (old ? tf.add(old[j], v) : tf.clone(v)) as tf.Tensor1D);
    tf.dispose([...(old ?? []), ...values]);
    this.counts = counted.map((c, i) => (this.counts[i] ?? 0) + (c ? 1 : 0));
  }

  /** The epoch's means by diagnostics key (a modality no batch counted has none); starts the next epoch. */
  async take(order: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    if (this.sums) {
      const data = await Promise.all(this.sums.map((s) => s.data()));
      order.forEach((m, i) => {
        const n = this.counts[i];
        if (!n) return;
        this.layout.series.forEach((s, j) => {
          out[`${this.layout.prefix}/${s.name}/${m}`] = data[j][i] / n;
        });
      });
    }
    this.dispose();
    return out;
  }

  /** The sums so far (none between epochs). */
  async read(): Promise<NamedTensor[]> {
    if (!this.sums) return [];
    const data = await Promise.all(this.sums.map((s) => s.data()));
    const shape = this.sums[0].shape;
    const { series, countTensor, perModalityCount } = this.layout;
    return [
      ...series.map((s, j) => ({ name: s.tensor, shape, values: Float32Array.from(data[j]) })),
      perModalityCount
        ? { name: countTensor, shape, values: Float32Array.from(this.counts) }
        : { name: countTensor, shape: [1], values: Float32Array.of(this.counts[0] ?? 0) },
    ];
  }

  load(tensors: Map<string, NamedTensor>, modalities: number, where: string): void {
    this.dispose();
    const { series, countTensor, perModalityCount, what } = this.layout;
    const sums = series.map((s) => tensors.get(s.tensor));
    const counts = tensors.get(countTensor);
    if (sums.every((t) => !t) && !counts) return;
    const complete =
      sums.every((t) => t?.values.length === modalities) &&
      counts !== undefined &&
      counts.values.length === (perModalityCount ? modalities : 1);
    if (!complete) {
      throw new Error(`${where}: the ${what} are incomplete (expected ${modalities} per tensor)`);
    }
    this.sums = sums.map((t) => tf.tensor1d(t!.values));
    this.counts = perModalityCount
      ? Array.from(counts.values)
      : new Array<number>(modalities).fill(counts.values[0]);
  }

  dispose(): void {
    tf.dispose(this.sums ?? []);
    this.sums = null;
    this.counts = [];
  }
}
