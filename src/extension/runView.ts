// How a run folder reads to a person, in one place for the tree, its tooltips and the dashboard.

import type { RunInfo } from '../core/runs/reader';
import type { DisplayState, RunView } from '../protocol/dashboard';

interface ConfigShape {
  method?: string;
  mla?: { order?: string[]; fusion?: { type?: string } };
  run?: {
    backend?: string;
    backendsTried?: { name?: string; adapter?: string }[];
    group?: string;
    configFile?: string;
  };
  training?: { epochs?: number };
}

export function configOf(run: RunInfo): ConfigShape {
  return (run.config ?? {}) as ConfigShape;
}

/** The backend as config.json records it, with the GPU it ran on: "webgpu · nvidia · hopper · NVIDIA H100". */
export function backendLabel(config: ConfigShape): string {
  const name = config.run?.backend;
  if (name === undefined) return 'unknown';
  const adapter = config.run?.backendsTried?.find((t) => t.name === name)?.adapter;
  return adapter ? `${name} · ${adapter}` : name;
}

export function displayStateOf(run: RunInfo): DisplayState {
  if (run.liveness === 'stale') return 'stale';
  if (run.liveness === 'remote') return 'remote';
  return run.status?.state ?? 'running';
}

export function toRunView(run: RunInfo, classes: string[] = []): RunView {
  const config = configOf(run);
  const state = displayStateOf(run);
  return {
    runDir: run.dir,
    runId: run.id,
    name: run.name ?? run.id,
    seed: run.seed,
    method: config.method ?? 'mla',
    backend: backendLabel(config),
    state,
    stateDetail: run.reason ?? run.error,
    epoch: run.lastEpoch?.epoch ?? run.status?.epoch ?? 0,
    epochs: run.status?.epochs ?? config.training?.epochs ?? 0,
    startedAt: run.status?.startedAt ?? null,
    endedAt: run.status?.endedAt ?? null,
    modalities: config.mla?.order ?? Object.keys(run.lastEpoch?.test.unimodal ?? {}),
    classes,
    fusionType: config.method === 'joint' ? 'concat-head' : (config.mla?.fusion?.type ?? 'entropy'),
    summary: run.summary,
  };
}

/** The fused test accuracy to show: the summary's (best epoch) when there is one, else the last epoch's. */
export function shownAccuracy(run: RunInfo): number | null {
  const v = run.summary?.test.fused ?? run.lastEpoch?.test.fused;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export { pct, compactDuration as formatSeconds } from '../core/util/format';

export function durationOf(run: RunInfo): number | null {
  if (run.summary) return run.summary.wallSeconds;
  if (run.lastEpoch) return run.lastEpoch.elapsed;
  return null;
}
