// Running per-key sums of loss and correct counts for the current epoch, kept on the device so that a step
// never waits for a read-back; `read()` reads them back, asynchronously, only when a record is written.

import * as tf from '@tensorflow/tfjs';

export interface TotalsValue {
  loss: number;
  correct: number;
  rows: number;
}

interface Entry {
  loss: tf.Scalar | null;
  correct: tf.Scalar | null;
  /** Sums of steps that computed theirs in JS (the fused path), kept as float32 values. */
  hostLoss: number | null;
  hostCorrect: number;
  /** A mid-epoch checkpoint's sums, not yet taken into either accumulator. */
  base: { loss: number; correct: number } | null;
  rows: number;
}

export class EpochTotals {
  private entries = new Map<string, Entry>();

  constructor(keys: string[], base?: Record<string, TotalsValue>) {
    for (const k of keys) {
      const b = base?.[k];
      // Sums carried over from a mid-epoch checkpoint restart as float32 scalars, so that the resumed epoch
      // adds up exactly as the uninterrupted one did.
      // They start whichever accumulator the next step adds to (a run's steps take one path).
      this.entries.set(k, {
        loss: null,
        correct: null,
        hostLoss: null,
        hostCorrect: 0,
        base: b ? { loss: Math.fround(b.loss), correct: Math.fround(b.correct) } : null,
        rows: b?.rows ?? 0,
      });
    }
  }

  /** Takes ownership of `lossSum` and `correct`. */
  add(key: string, lossSum: tf.Scalar, correct: tf.Scalar, rows: number): void {
    const e = this.entries.get(key)!;
    if (e.base) {
      e.loss = tf.scalar(e.base.loss, 'float32');
      e.correct = tf.scalar(e.base.correct, 'float32');
      e.base = null;
    }
    e.loss = accumulate(e.loss, lossSum);
    e.correct = accumulate(e.correct, correct);
    e.rows += rows;
  }

  /** The same for sums already in JS: float32 additions, as the device's. */
  addValues(key: string, lossSum: number, correct: number, rows: number): void {
    const e = this.entries.get(key)!;
    if (e.base) {
      e.hostLoss = e.base.loss;
      e.hostCorrect = e.base.correct;
      e.base = null;
    }
    e.hostLoss = Math.fround((e.hostLoss ?? 0) + Math.fround(lossSum));
    e.hostCorrect = Math.fround(e.hostCorrect + correct);
    e.rows += rows;
  }

  /** The sums so far, with one read-back for every device sum together. */
  async read(): Promise<Record<string, TotalsValue>> {
    const onDevice = [...this.entries.values()].flatMap((e) => [e.loss, e.correct]);
    const kept = onDevice.filter((t): t is tf.Scalar => t !== null);
    const values = kept.length > 0 ? await readAll(kept) : new Float32Array(0);
    let next = 0;
    const valueOf = (t: tf.Scalar | null) => (t ? values[next++] : 0);
    const out: Record<string, TotalsValue> = {};
    for (const [k, e] of this.entries) {
      const device = { loss: valueOf(e.loss), correct: valueOf(e.correct) };
      const host = e.base ?? { loss: e.hostLoss ?? 0, correct: e.hostCorrect };
      out[k] = {
        loss: Math.fround(device.loss + host.loss),
        correct: Math.fround(device.correct + host.correct),
        rows: e.rows,
      };
    }
    return out;
  }

  dispose(): void {
    for (const e of this.entries.values())
      tf.dispose([e.loss, e.correct].filter((t): t is tf.Scalar => t !== null));
    this.entries.clear();
  }
}

/** The scalars' values in order, by one asynchronous read of their stack (a copy: the values are exact). */
async function readAll(scalars: tf.Scalar[]): Promise<Float32Array> {
  const stacked = tf.stack(scalars);
  try {
    return (await stacked.data()) as Float32Array;
  } finally {
    stacked.dispose();
  }
}

function accumulate(sum: tf.Scalar | null, value: tf.Scalar): tf.Scalar {
  if (sum === null) return value;
  const next = tf.add(sum, value) as tf.Scalar;
  sum.dispose();
  value.dispose();
  return next;
}

/** Mean per key, NaN where no row contributed. */
export function means(values: Record<string, TotalsValue>): {
  loss: Record<string, number>;
  acc: Record<string, number>;
} {
  const loss: Record<string, number> = {};
  const acc: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) {
    loss[k] = v.rows > 0 ? v.loss / v.rows : NaN;
    acc[k] = v.rows > 0 ? v.correct / v.rows : NaN;
  }
  return { loss, acc };
}
