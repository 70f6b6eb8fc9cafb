// The per-sample view of a test evaluation that `fusion.jsonl` holds: what each modality predicted, how
// unsure it was, how much it weighed in the fused prediction.

import { entropyRows, softmaxRows } from '../mla/fusion';
import type { FusionRecord } from '../runs/types';
import type { SplitOutputs } from './evaluate';

const DIGITS = 6;

export function fusionRecords(out: SplitOutputs, order: string[], only?: Set<number>): FusionRecord[] {
  const n = out.rows.length;
  const C = out.classes;
  const probs = out.logits.map((z) => softmaxRows(z, n, C));
  const entropies = out.logits.map((z) => entropyRows(z, n, C));
  const fusedProbs = softmaxRows(out.fused, n, C);
  const records: FusionRecord[] = [];
  for (let i = 0; i < n; i++) {
    if (only && !only.has(i)) continue;
    const record: FusionRecord = {
      id: out.rows[i],
      index: i,
      label: out.labels[i],
      probs: {},
      entropy: {},
      weights: {},
      fused: round(fusedProbs.subarray(i * C, (i + 1) * C)),
      prediction: 0,
      correct: false,
    };
    order.forEach((m, k) => {
      if (!out.present[k][i]) return;
      record.probs[m] = round(probs[k].subarray(i * C, (i + 1) * C));
      record.entropy[m] = roundOne(entropies[k][i]);
      if (out.weights) record.weights[m] = roundOne(out.weights[k][i]);
    });
    let best = 0;
    for (let c = 1; c < C; c++) if (out.fused[i * C + c] > out.fused[i * C + best]) best = c;
    record.prediction = best;
    record.correct = best === out.labels[i];
    records.push(record);
  }
  return records;
}

function round(values: Float32Array): number[] {
  return Array.from(values, roundOne);
}

function roundOne(v: number): number {
  return Number(v.toPrecision(DIGITS));
}
