// Re-evaluation of a saved checkpoint (`mla eval`, and the dashboard for epochs other than the best): the
// same data preparation as training (same seed, same split, same scaling), then the test and val splits.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { listCheckpoints, loadCheckpoint } from '../runs/checkpoint';
import { readJsonFile } from '../runs/atomic';
import { readJsonl } from '../runs/jsonl';
import { RUN_FILES } from '../runs/paths';
import type { EpochRecord, FusionRecord, MetricsRecord, RunSummary, SplitScores } from '../runs/types';
import { RowGatherer } from './batches';
import { meanFusionWeights, predictSplits, scoreSplit } from './evaluate';
import { fusionRecords } from './fusionRecords';
import { Network } from './network';
import { prepareData } from './prepare';
import { loadRunDataset, readRunConfig } from './runner';
import { assignWeights } from './snapshot';

export type CheckpointChoice = 'best' | 'latest' | number;

export interface CheckpointEvaluation {
  epoch: number;
  checkpointDir: string;
  /** True when the checkpoint was taken in the middle of an epoch (a stop): its weights are not an epoch's end. */
  partial: boolean;
  val: SplitScores;
  test: SplitScores;
  fusionWeights: Record<string, number>;
  records: FusionRecord[];
  order: string[];
}

export interface EvaluateOptions {
  checkpoint: CheckpointChoice;
  /** Test-split positions to produce fusion records for; all when absent. */
  samples?: number[];
  onProgress?(message: string): void;
}

export async function evaluateCheckpoint(
  runDir: string,
  opts: EvaluateOptions,
): Promise<CheckpointEvaluation> {
  const record = readRunConfig(runDir);
  const ref = chooseCheckpoint(runDir, opts.checkpoint);
  opts.onProgress?.(`loading data for ${record.name}`);
  const dataset = await loadRunDataset(record);
  const data = prepareData(dataset, record, record.run.seed);
  if (opts.samples) {
    const bad = opts.samples.find((i) => i < 0 || i >= data.test.length);
    if (bad !== undefined) {
      throw new Error(`--samples: position ${bad} is outside the test split (0 to ${data.test.length - 1})`);
    }
  }
  opts.onProgress?.(`loading checkpoint ${ref.dir}`);
  const checkpoint = await loadCheckpoint(ref.dir);
  const net = Network.build(record, data.modalities, data.classes.length, record.run.seed);
  try {
    assignWeights(checkpoint, net);
    const gatherers = data.modalities.map((m) => new RowGatherer(m));
    opts.onProgress?.('evaluating the validation and test splits');
    const [val, test] = await predictSplits(net, data, gatherers, [data.val, data.test], record.mla.fusion);
    const order = net.order;
    const extra = checkpoint.extra as { nextBatch?: number } | null;
    return {
      epoch: ref.epoch,
      checkpointDir: ref.dir,
      partial: (extra?.nextBatch ?? 0) > 0,
      val: scoreSplit(val, order),
      test: scoreSplit(test, order),
      fusionWeights: meanFusionWeights(test, order),
      records: fusionRecords(test, order, opts.samples ? new Set(opts.samples) : undefined),
      order,
    };
  } finally {
    net.dispose();
  }
}

export function chooseCheckpoint(runDir: string, choice: CheckpointChoice): { epoch: number; dir: string } {
  const all = listCheckpoints(runDir);
  if (all.length === 0) throw new Error(`${runDir}: the run has no checkpoint yet`);
  const available = all.map((c) => c.epoch).join(', ');
  if (choice === 'latest') return all[all.length - 1];
  const epoch = choice === 'best' ? bestEpoch(runDir) : choice;
  if (epoch === null) return all[all.length - 1];
  const found = all.find((c) => c.epoch === epoch);
  if (!found) {
    throw new Error(
      `${runDir}: no checkpoint of epoch ${epoch} (the trainer keeps the latest and the best; available: ${available})`,
    );
  }
  return found;
}

/**
 * The best epoch in metrics.jsonl (the last record of each epoch counts), which is current while a trainer
 * works on the run; summary.json, written at the end of a session, only where metrics.jsonl names none.
 */
function bestEpoch(runDir: string): number | null {
  const { records } = readJsonl<MetricsRecord>(path.join(runDir, RUN_FILES.metrics));
  const latest = new Map<number, EpochRecord>();
  for (const r of records) if (r.type === 'epoch') latest.set(r.epoch, r);
  const best = [...latest.values()].filter((r) => r.best).map((r) => r.epoch);
  if (best.length > 0) return Math.max(...best);
  const summaryFile = path.join(runDir, RUN_FILES.summary);
  if (fs.existsSync(summaryFile)) {
    const summary = readJsonFile(summaryFile) as RunSummary;
    if (summary.bestEpoch > 0) return summary.bestEpoch;
  }
  return null;
}
