// Test-time fusion of per-modality logits (docs/algorithm.md, test-time fusion). Pure JS on row-major [n, C] Float32Arrays; sums in
// float64. A modality absent for a sample gets weight 0 and the others are renormalised; a sample with no
// modality present gets all-zero weights and zero fused logits (as the PyTorch peer does).

import type { FusionConfig } from '../config/types';

/** Guards log(0) when a probability underflows; far below float32 resolution of any entropy we compare. */
const LOG_EPSILON = 1e-12;

export interface FusionResult {
  /** One array per modality (in `order`), n weights each. */
  weights: Float32Array[];
  /** Fused logits [n, C], row-major. */
  fused: Float32Array;
}

export function softmaxRows(logits: Float32Array, n: number, classes: number): Float32Array {
  const out = new Float32Array(n * classes);
  const row = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    softmaxInto(logits, i * classes, classes, row);
    out.set(row, i * classes);
  }
  return out;
}

/** Per-row entropy of softmax over the classes: −Σ_c p log(p + ε). */
export function entropyRows(logits: Float32Array, n: number, classes: number): Float32Array {
  const out = new Float32Array(n);
  const row = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    softmaxInto(logits, i * classes, classes, row);
    let e = 0;
    for (let c = 0; c < classes; c++) e -= row[c] * Math.log(row[c] + LOG_EPSILON);
    out[i] = e;
  }
  return out;
}

/**
 * Fuses `logits` (one [n, C] array per modality, in `order`). `present[m][i]` = 0 marks modality m missing
 * for sample i; `null` means every modality is present everywhere.
 */
export function fuse(
  logits: Float32Array[],
  present: Uint8Array[] | null,
  n: number,
  classes: number,
  cfg: FusionConfig,
  order: string[],
): FusionResult {
  const M = order.length;
  if (logits.length !== M) throw new Error(`fusion: ${logits.length} logit arrays for ${M} modalities`);
  logits.forEach((z, m) => {
    if (z.length !== n * classes) {
      throw new Error(`fusion: logits of "${order[m]}" have ${z.length} values, expected ${n}×${classes}`);
    }
  });
  if (present && (present.length !== M || present.some((p) => p.length !== n))) {
    throw new Error(`fusion: presence masks must be ${M} arrays of ${n} values`);
  }
  const isPresent = (m: number, i: number): boolean => present === null || present[m][i] !== 0;

  // Un-normalised per-sample scores; absent modalities are zeroed and each sample renormalised below.
  const raw = order.map(() => new Float64Array(n));
  switch (cfg.type) {
    case 'entropy': {
      // softmax over modalities of −e_m(i), shifted by the smallest entropy so every exponent is ≤ 0.
      const entropies = logits.map((z) => entropyRows(z, n, classes));
      for (let i = 0; i < n; i++) {
        let minE = Infinity;
        for (let m = 0; m < M; m++) if (isPresent(m, i)) minE = Math.min(minE, entropies[m][i]);
        for (let m = 0; m < M; m++) raw[m][i] = isPresent(m, i) ? Math.exp(minE - entropies[m][i]) : 0;
      }
      break;
    }
    case 'mean':
      for (let m = 0; m < M; m++) for (let i = 0; i < n; i++) raw[m][i] = 1;
      break;
    case 'fixed':
      for (let m = 0; m < M; m++) {
        const w = cfg.weights[order[m]];
        if (typeof w !== 'number') throw new Error(`fusion: no fixed weight for modality "${order[m]}"`);
        raw[m].fill(w);
      }
      break;
    case 'entropy-batch':
      batchEntropyScores(logits, isPresent, n, classes, cfg.batchSize, raw);
      break;
  }

  const weights = order.map(() => new Float32Array(n));
  const fused = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let m = 0; m < M; m++) if (isPresent(m, i)) total += raw[m][i];
    if (!(total > 0)) continue;
    for (let m = 0; m < M; m++) {
      if (!isPresent(m, i)) continue;
      const w = raw[m][i] / total;
      weights[m][i] = w;
      const base = i * classes;
      for (let c = 0; c < classes; c++) fused[base + c] += w * logits[m][base + c];
    }
  }
  return { weights, fused };
}

/**
 * The reference code's form (§3.1): in consecutive chunks of `batchSize` rows (an unshuffled test loader),
 * softmax over the BATCH axis per class column, entropy summed over the chunk, one weight per modality per
 * chunk = softmax over modalities of −E_m. Only present rows enter a modality's E_m; a modality with no
 * present row in the chunk gets no weight there.
 */
function batchEntropyScores(
  logits: Float32Array[],
  isPresent: (m: number, i: number) => boolean,
  n: number,
  classes: number,
  batchSize: number,
  raw: Float64Array[],
): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`fusion: entropy-batch needs a batchSize ≥ 1, found ${batchSize}`);
  }
  const M = logits.length;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const E = new Float64Array(M);
    const has = new Array<boolean>(M).fill(false);
    for (let m = 0; m < M; m++) {
      const rows: number[] = [];
      for (let i = start; i < end; i++) if (isPresent(m, i)) rows.push(i);
      if (rows.length === 0) continue;
      has[m] = true;
      let e = 0;
      for (let c = 0; c < classes; c++) {
        let max = -Infinity;
        for (const i of rows) max = Math.max(max, logits[m][i * classes + c]);
        let sum = 0;
        for (const i of rows) sum += Math.exp(logits[m][i * classes + c] - max);
        for (const i of rows) {
          const q = Math.exp(logits[m][i * classes + c] - max) / sum;
          e -= q * Math.log(q + LOG_EPSILON);
        }
      }
      E[m] = e;
    }
    let minE = Infinity;
    for (let m = 0; m < M; m++) if (has[m]) minE = Math.min(minE, E[m]);
    for (let m = 0; m < M; m++) {
      const w = has[m] ? Math.exp(minE - E[m]) : 0;
      for (let i = start; i < end; i++) raw[m][i] = w;
    }
  }
}

function softmaxInto(logits: Float32Array, offset: number, classes: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    out[c] = Math.exp(logits[offset + c] - max);
    sum += out[c];
  }
  for (let c = 0; c < classes; c++) out[c] /= sum;
}
