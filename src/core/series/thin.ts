// Fewer epoch records for a view that cannot use them all (the seed comparison's curves of a long run).

import type { EpochRecord } from '../runs/types';

/** Keeps at most `max` records, evenly spread, always with the best and the last epoch. */
export function thinRecords(records: EpochRecord[], max: number): EpochRecord[] {
  if (records.length <= max) return records;
  const keep = new Set<number>();
  const step = (records.length - 1) / (max - 3);
  for (let i = 0; i < max - 2; i++) keep.add(Math.round(i * step));
  keep.add(records.length - 1);
  const best = records.reduce((b, r, i) => (r.best ? i : b), -1);
  if (best >= 0) keep.add(best);
  return [...keep].sort((a, b) => a - b).map((i) => records[i]);
}
