// Friedman's test over datasets and Iman and Davenport's correction of it, as Demšar (2006) recommends for
// comparing several methods on several datasets: J. Demšar, "Statistical Comparisons of Classifiers over
// Multiple Data Sets", JMLR 7:1–30, §3.2.2. The p-values come from stdlib's χ² and F distributions.

import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import type { FriedmanTest, ImanDavenportTest } from './types';

/**
 * χ²_F = 12N / (k(k+1)) · (Σ_j R_j² − k(k+1)²/4) with k − 1 degrees of freedom, R_j the average ranks of the
 * k methods over N datasets. Without a correction for ties, as in Demšar's paper.
 */
export function friedmanTest(averageRanks: readonly number[], datasets: number): FriedmanTest {
  const k = averageRanks.length;
  if (k < 2 || datasets < 2)
    throw new Error(`Friedman test: needs 2 or more methods and datasets, found ${k} and ${datasets}`);
  const sumSquares = averageRanks.reduce((s, r) => s + r * r, 0);
  const chiSquare = Math.max(0, ((12 * datasets) / (k * (k + 1))) * (sumSquares - (k * (k + 1) ** 2) / 4));
  const df = k - 1;
  return { chiSquare, df, p: 1 - chiSquareCdf(chiSquare, df) };
}

/**
 * F_F = (N − 1) χ²_F / (N(k − 1) − χ²_F) with F(k − 1, (k − 1)(N − 1)). When every dataset ranks the methods
 * alike, χ²_F reaches N(k − 1): F is infinite and p is 0.
 */
export function imanDavenportTest(friedman: FriedmanTest, datasets: number): ImanDavenportTest {
  const k = friedman.df + 1;
  const df1 = k - 1;
  const df2 = (k - 1) * (datasets - 1);
  const denominator = datasets * (k - 1) - friedman.chiSquare;
  if (denominator <= 1e-12 * datasets * k) return { f: Infinity, df1, df2, p: 0 };
  const f = ((datasets - 1) * friedman.chiSquare) / denominator;
  return { f, df1, df2, p: 1 - fCdf(f, df1, df2) };
}
