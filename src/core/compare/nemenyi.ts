// The Nemenyi post-hoc test after Friedman's: the critical difference of average ranks, and the groups of
// methods it cannot tell apart (the bars of a critical-difference diagram).

import type { NemenyiTest } from './types';

/**
 * q_α at α = 0.05 for k = 2…10 methods: the two-tailed Nemenyi critical values (the studentized range
 * statistic divided by √2) of J. Demšar, "Statistical Comparisons of Classifiers over Multiple Data Sets",
 * JMLR 7:1–30 (2006), Table 5(a).
 */
const Q_ALPHA_005: Readonly<Record<number, number>> = {
  2: 1.96,
  3: 2.343,
  4: 2.569,
  5: 2.728,
  6: 2.85,
  7: 2.949,
  8: 3.031,
  9: 3.102,
  10: 3.164,
};

export const NEMENYI_ALPHA = 0.05;

/** CD = q_α · √(k(k+1) / (6N)) for k methods over N datasets; no CD beyond the table (k > 10). */
export function nemenyiTest(methods: number, datasets: number): NemenyiTest {
  const q = Q_ALPHA_005[methods] ?? null;
  const cd = q === null ? null : q * Math.sqrt((methods * (methods + 1)) / (6 * datasets));
  return { alpha: NEMENYI_ALPHA, q, cd };
}

/**
 * The maximal runs of consecutive methods (in order of average rank, best first) whose ranks span less than
 * `cd`, as index ranges [first, last]; a method in no such run with another is a run of its own.
 */
export function notDifferentRuns(sortedRanks: readonly number[], cd: number): [number, number][] {
  const runs: [number, number][] = [];
  let reached = -1;
  for (let i = 0; i < sortedRanks.length; i++) {
    let last = i;
    while (last + 1 < sortedRanks.length && sortedRanks[last + 1] - sortedRanks[i] < cd) last++;
    // A run ending where the previous one ended lies inside it.
    if (last > reached) {
      runs.push([i, last]);
      reached = last;
    }
  }
  return runs;
}
