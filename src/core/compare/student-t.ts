// The Student t distribution from a maintained library (stdlib), so p-values and confidence intervals match
// R and SciPy to double precision instead of resting on a hand-rolled incomplete beta function.

import cdf from '@stdlib/stats-base-dists-t-cdf';
import quantile from '@stdlib/stats-base-dists-t-quantile';

/** P(T ≤ t) for `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  return cdf(t, df);
}

/** The t with P(T ≤ t) = p for `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return quantile(p, df);
}
