// The paired t-test over seeds: seed s of one method against seed s of the reference, so the variation that
// a seed brings to both (its split, its initialisation) cancels out of the difference.

import { mean, sampleStd } from '../../shared/stats';
import { tCdf, tQuantile } from './student-t';

export interface PairedTTest {
  /** Number of pairs. */
  n: number;
  /** Mean of a − b. */
  meanDiff: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** The confidence interval of the mean difference (95 % by default). */
  ciLow: number;
  ciHigh: number;
}

/**
 * a[i] pairs with b[i]. Needs at least two pairs; when every difference is the same the spread is zero and the
 * test is degenerate: p is 0 for a non-zero difference and 1 for none, the interval a single point.
 */
export function pairedTTest(a: readonly number[], b: readonly number[], confidence = 0.95): PairedTTest {
  if (a.length !== b.length) throw new Error(`paired t-test: ${a.length} values against ${b.length}`);
  if (a.length < 2) throw new Error('paired t-test: needs at least two pairs');
  const diffs = a.map((v, i) => v - b[i]);
  const n = diffs.length;
  const df = n - 1;
  const meanDiff = mean(diffs);
  const se = sampleStd(diffs) / Math.sqrt(n);
  const margin = tQuantile(1 - (1 - confidence) / 2, df) * se;
  if (se === 0) {
    return {
      n,
      meanDiff,
      t: meanDiff === 0 ? 0 : Math.sign(meanDiff) * Infinity,
      df,
      p: meanDiff === 0 ? 1 : 0,
      ciLow: meanDiff,
      ciHigh: meanDiff,
    };
  }
  const t = meanDiff / se;
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { n, meanDiff, t, df, p, ciLow: meanDiff - margin, ciHigh: meanDiff + margin };
}
