// Time left for a running run, from the pace of its last epochs (evaluation included: `elapsed` is wall
// time since the run started), so a slow first epoch (compilation, data loading) does not skew it for long.

const WINDOW = 5;

/** `elapsed`: the `elapsed` of the last epochs in order (at least one), `epoch` of `epochs` done. */
export function estimateEtaSeconds(elapsed: number[], epoch: number, epochs: number): number | null {
  if (epochs <= 0 || epoch >= epochs || elapsed.length === 0) return epoch >= epochs ? 0 : null;
  const recent = elapsed.slice(-(WINDOW + 1));
  const perEpoch =
    recent.length >= 2
      ? (recent[recent.length - 1] - recent[0]) / (recent.length - 1)
      : recent[0] / Math.max(1, epoch);
  if (!Number.isFinite(perEpoch) || perEpoch < 0) return null;
  return perEpoch * (epochs - epoch);
}
