// The one line that sums up a finished seed group: the CLI prints it and the editor shows it, word for word.

import { aggregateSeeds, type SeedStat } from '../../shared/aggregate';
import { formatMeanStd } from '../../shared/format';
import type { RunSummary } from './types';

/** "3 seeds done: fused 97.4 ± 0.2%, weak 55.1 ± 2.2%": test accuracy, mean ± std over the completed seeds. */
export function seedGroupLine(summaries: RunSummary[], order: string[]): string {
  const seeds = aggregateSeeds(summaries, order);
  const fmt = (stat: SeedStat) => formatMeanStd(stat.mean, stat.std, { unit: '%' });
  const parts = [
    `fused ${fmt(seeds.fused.test)}`,
    ...order.map((m) => `${m} ${fmt(seeds.unimodal[m].test)}`),
  ];
  return `${summaries.length} seed${summaries.length === 1 ? '' : 's'} done: ${parts.join(', ')}`;
}
