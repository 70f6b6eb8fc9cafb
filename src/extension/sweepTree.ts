// How the run explorer shows a sweep: its trials under one node named after the sweep, one group per
// combination of axis values (its seeds inside), and the best combination by the sweep's metric marked.

import { describeValue } from '../core/config/jsonText';
import type { RunInfo } from '../core/runs/reader';
import { meanStd } from '../shared/stats';
import { metricFromSummary } from '../core/sweep/metric';
import type { RunSweepInfo } from '../core/sweep/types';

/** `run.sweep` of a run's config.json, when the run is a sweep's trial (readers stay tolerant of its absence). */
export function sweepOf(run: RunInfo): RunSweepInfo | null {
  return run.resolved?.run.sweep ?? null;
}

/** `lr=0.01 · mode="off"`: the axis values a group of seeds shares. */
export function axesLabel(sweep: RunSweepInfo): string {
  const parts = Object.entries(sweep.axes).map(
    ([key, value]) => `${key.split(/[./]/).pop()}=${describeValue(value)}`,
  );
  return parts.length > 0 ? parts.join(' · ') : 'base config';
}

/** Index of the group with the best mean metric over its completed runs; null when none has completed. */
export function bestGroupIndex(groups: RunInfo[][]): number | null {
  let best: { index: number; mean: number } | null = null;
  groups.forEach((runs, index) => {
    const values = runs
      .filter((r) => r.status?.state === 'completed')
      .map((r) => metricFromSummary(r.summary, sweepOf(r)?.metric ?? 'val.fused'))
      .filter((v): v is number => v !== null);
    if (values.length === 0) return;
    const { mean } = meanStd(values);
    if (best === null || mean > best.mean) best = { index, mean };
  });
  return best === null ? null : (best as { index: number }).index;
}
