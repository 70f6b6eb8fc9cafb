// Ranks within one dataset, from a maintained library (stdlib), so ties get the average of the ranks they
// span exactly as in R's `rank` and SciPy's `rankdata`.

import ranks from '@stdlib/stats-ranks';

/**
 * Scores closer than this tie. Means of accuracies are sums of fractions: the same seeds' values summed in
 * another order can differ in the last bits, and such a difference is no difference between methods.
 */
const TIE_RESOLUTION = 1e-9;

/** Rank 1 for the highest value; tied values share the mean of their ranks (e.g. 1.5, 1.5, 3). */
export function ranksHighestFirst(values: readonly number[]): number[] {
  if (values.some((v) => !Number.isFinite(v)))
    throw new Error(`ranks: expected finite scores, found ${values}`);
  // stdlib ranks the smallest first: the negated scores rank the highest first.
  return ranks(
    values.map((v) => -Math.round(v / TIE_RESOLUTION)),
    { method: 'average' },
  );
}
