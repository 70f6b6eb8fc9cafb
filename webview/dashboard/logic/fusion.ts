// The fusion inspector's numbers: lists of test samples worth a look, per-sample detail, and what the
// fusion weights do over the whole test set (their distribution; accuracy where they favour a modality).

import type { FusionRecord } from '../../../src/protocol/dashboard';
import { Rng } from '../../../src/shared/random';

export type SampleList = 'misclassified' | 'uncertain' | 'disagreeing' | 'random' | 'all';

export const SAMPLE_LISTS: { id: SampleList; label: string }[] = [
  { id: 'misclassified', label: 'Misclassified' },
  { id: 'uncertain', label: 'Most uncertain (highest fused entropy)' },
  { id: 'disagreeing', label: 'Modalities disagreeing' },
  { id: 'random', label: 'Random' },
  { id: 'all', label: 'All, in test order' },
];

export function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Shannon entropy in nats (as the trainer reports per-modality entropy). */
export function entropy(probs: number[]): number {
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

/** Test-split positions (`index`) of the samples a list holds, at most `limit`, in the list's order. */
export function sampleList(records: FusionRecord[], list: SampleList, limit: number, seed = 0): number[] {
  let picked: FusionRecord[];
  switch (list) {
    case 'misclassified':
      picked = records.filter((r) => !r.correct);
      break;
    case 'uncertain':
      picked = records
        .map((r) => ({ r, h: entropy(r.fused) }))
        .sort((a, b) => b.h - a.h || a.r.index - b.r.index)
        .map((x) => x.r);
      break;
    case 'disagreeing':
      picked = records.filter((r) => {
        const votes = new Set(Object.values(r.probs).map(argmax));
        return votes.size > 1;
      });
      break;
    case 'random': {
      // Seeded: the same list after a reload; "Shuffle" moves to the next seed.
      picked = Rng.fromSeed(seed, 'dashboard-random-samples').shuffle(records.slice());
      break;
    }
    case 'all':
      picked = records;
      break;
  }
  return picked.slice(0, limit).map((r) => r.index);
}

export interface ModalityDetail {
  modality: string;
  present: boolean;
  probs: number[];
  prediction: number;
  correct: boolean;
  entropy: number | null;
  weight: number | null;
}

export interface SampleDetail {
  index: number;
  id: number;
  label: number;
  prediction: number;
  correct: boolean;
  fused: number[];
  fusedEntropy: number;
  modalities: ModalityDetail[];
}

export function sampleDetail(record: FusionRecord, modalities: string[]): SampleDetail {
  return {
    index: record.index,
    id: record.id,
    label: record.label,
    prediction: record.prediction,
    correct: record.correct,
    fused: record.fused,
    fusedEntropy: entropy(record.fused),
    modalities: modalities.map((m) => {
      const probs = record.probs[m];
      const prediction = probs ? argmax(probs) : -1;
      return {
        modality: m,
        present: probs !== undefined,
        probs: probs ?? [],
        prediction,
        correct: prediction === record.label,
        entropy: record.entropy[m] ?? null,
        weight: record.weights[m] ?? null,
      };
    }),
  };
}

/** Counts of a modality's fusion weight in `bins` equal bins over [0, 1] (samples lacking it left out). */
export function weightHistogram(records: FusionRecord[], modality: string, bins = 10): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const r of records) {
    const w = r.weights[modality];
    if (typeof w !== 'number' || !Number.isFinite(w)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor(w * bins)))]++;
  }
  return counts;
}

export interface FavouredStats {
  modality: string;
  /** Samples whose largest fusion weight is this modality's. */
  samples: number;
  /** Fused accuracy on those samples, and the modality's own accuracy on them. */
  fusedAccuracy: number;
  modalityAccuracy: number;
  meanWeight: number;
}

export function favouredStats(records: FusionRecord[], modalities: string[]): FavouredStats[] {
  const groups = new Map<string, FusionRecord[]>(modalities.map((m) => [m, []]));
  for (const r of records) {
    let top: string | null = null;
    for (const m of modalities) {
      const w = r.weights[m];
      if (typeof w === 'number' && (top === null || w > r.weights[top])) top = m;
    }
    if (top !== null) groups.get(top)!.push(r);
  }
  return modalities.map((m) => {
    const rs = groups.get(m)!;
    const n = rs.length;
    const weights = records.map((r) => r.weights[m]).filter((w): w is number => typeof w === 'number');
    return {
      modality: m,
      samples: n,
      fusedAccuracy: n === 0 ? NaN : rs.filter((r) => r.correct).length / n,
      modalityAccuracy:
        n === 0 ? NaN : rs.filter((r) => r.probs[m] && argmax(r.probs[m]) === r.label).length / n,
      meanWeight: weights.length === 0 ? NaN : weights.reduce((a, b) => a + b, 0) / weights.length,
    };
  });
}

export interface TestSetStats {
  samples: number;
  fusedAccuracy: number;
  /** Each modality's accuracy alone (over samples that have it). */
  modalityAccuracy: Record<string, number>;
}

export function testSetStats(records: FusionRecord[], modalities: string[]): TestSetStats {
  const modalityAccuracy: Record<string, number> = {};
  for (const m of modalities) {
    const having = records.filter((r) => r.probs[m]);
    modalityAccuracy[m] =
      having.length === 0 ? NaN : having.filter((r) => argmax(r.probs[m]) === r.label).length / having.length;
  }
  return {
    samples: records.length,
    fusedAccuracy: records.length === 0 ? NaN : records.filter((r) => r.correct).length / records.length,
    modalityAccuracy,
  };
}

/** Classes worth drawing for a sample: all when few, else the top by fused probability plus the true class. */
export function shownClasses(detail: SampleDetail, max = 10): number[] {
  const all = detail.fused.map((_, i) => i);
  if (all.length <= max) return all;
  const top = all.sort((a, b) => detail.fused[b] - detail.fused[a]).slice(0, max - 1);
  if (!top.includes(detail.label)) top.push(detail.label);
  else top.push(all.find((c) => !top.includes(c))!);
  return top.sort((a, b) => a - b);
}

/** What the inspector says about the run's fusion rule, in plain words. */
export function fusionRuleNote(fusionType: string, method: string): string | null {
  if (method === 'ogm-ge')
    return 'OGM-GE trains the joint network: it fuses through one head on the concatenated features, so there are no per-modality fusion weights. The per-modality probabilities are the unimodal read-outs.';
  if (method === 'joint' || fusionType === 'concat-head')
    return 'Joint training fuses through one head on the concatenated features: there are no per-modality fusion weights. The per-modality probabilities are the unimodal read-outs.';
  if (fusionType === 'entropy-batch')
    return 'This run used entropy-batch fusion (the reference code\u2019s form): the weights are computed per batch of test samples, not per sample. Every sample of a batch shares them, so a sample\u2019s weights say little about that sample.';
  if (fusionType === 'fixed') return 'This run used fixed fusion weights: every sample has the same weights.';
  if (fusionType === 'mean-probabilities')
    return 'Each modality was trained alone with its own head; the fused prediction averages their probabilities with equal weights.';
  if (fusionType === 'mean') return 'This run averages the modalities: every weight is equal.';
  return null;
}

export interface CheckpointOption {
  epoch: number;
  /** "best val (epoch 12)", "last (epoch 30)" or "epoch 20". */
  label: string;
}

/**
 * The kept checkpoints as the picker lists them: the best validation epoch first, then the last one, then
 * the others newest first. One checkpoint that is both best and last says so.
 */
export function checkpointOptions(checkpoints: number[], bestEpoch: number | null): CheckpointOption[] {
  const sorted = [...new Set(checkpoints)].sort((a, b) => b - a);
  const last = sorted[0];
  const label = (epoch: number): string => {
    const names = [epoch === bestEpoch ? 'best val' : null, epoch === last ? 'last' : null].filter(
      (n) => n !== null,
    );
    return names.length > 0 ? `${names.join(', ')} (epoch ${epoch})` : `epoch ${epoch}`;
  };
  const best = sorted.filter((e) => e === bestEpoch);
  const rest = sorted.filter((e) => e !== bestEpoch);
  return [...best, ...rest].map((epoch) => ({ epoch, label: label(epoch) }));
}
