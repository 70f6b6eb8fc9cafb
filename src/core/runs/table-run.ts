// A run as the run table needs it: identity, state, the resolved config flattened, the sweep axes and
// summary.json's figures. Built from config.json, status.json and summary.json alone: a table of 1,000 runs
// must not parse 1,000 metrics files.

import { flattenConfig, toScalar } from '../../shared/runTable/flatten';
import type { Scalar, TableRun } from '../../shared/runTable/types';
import { configNameOf, seedGroupIdOf, UNNAMED_CONFIG } from './groups';
import type { MetricsContents } from './metrics-follower';
import { readRunWith, type RunInfo } from './reader';
import type { SummaryScores } from './types';

const NO_METRICS: MetricsContents = {
  epochs: [],
  metrics: { corrupt: 0, corruptLines: [], partialTail: false },
};

/** readRun without metrics.jsonl: what the table shows of a run folder it has not seen yet. */
export function readTableRun(runDir: string): Promise<RunInfo> {
  return readRunWith(runDir, { metrics: () => NO_METRICS });
}

export function tableRunOf(run: RunInfo): TableRun {
  const sweep = run.resolved?.run.sweep;
  const axes: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(sweep?.axes ?? {})) axes[key] = toScalar(value);
  const source = run.resolved ?? run.config ?? {};
  const { run: _facts, ...settings } = source as Record<string, unknown>;
  void _facts;
  return {
    runDir: run.dir,
    runId: run.id,
    name: sweep?.name ?? run.name ?? UNNAMED_CONFIG,
    method: run.resolved?.method ?? run.summary?.method ?? 'unknown',
    seed: run.seed,
    state: run.displayState,
    group: `${configNameOf(run)}\n${seedGroupIdOf(run)}`,
    sweep: sweep ? { name: sweep.name, axes } : null,
    config: flattenConfig(settings),
    metrics: summaryMetrics(run),
  };
}

function summaryMetrics(run: RunInfo): Record<string, number> {
  const s = run.summary;
  const out: Record<string, number> = {};
  if (!s) return out;
  const put = (key: string, v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
  };
  put('bestEpoch', s.bestEpoch);
  put('epochs', s.epochs);
  put('seconds', s.seconds);
  put('samplesPerSecond', s.samplesPerSecond);
  const scores = (split: string, v: SummaryScores | undefined) => {
    if (!v) return;
    put(`${split}.fused`, v.fused);
    put(`${split}.macroF1`, v.macroF1);
    for (const [modality, acc] of Object.entries(v.unimodal ?? {})) put(`${split}.${modality}`, acc);
  };
  scores('val', s.val);
  scores('test', s.test);
  return out;
}
