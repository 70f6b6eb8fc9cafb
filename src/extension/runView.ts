// How a run folder reads to a person, in one place for the tree, its tooltips and the dashboard. The state
// rule and the config record are the core reader's; this only shapes them for the protocol.

import { VANISHED_REASON } from '../core/runs/liveness';
import type { RunInfo } from '../core/runs/reader';
import type { RunView } from '../protocol/dashboard';
import { formatMeanStd, pct } from '../shared/format';
import { meanStd } from '../shared/stats';

export { pct, compactDuration as formatSeconds } from '../shared/format';

export function toRunView(run: RunInfo, classes: string[] = []): RunView {
  const config = run.resolved;
  return {
    runDir: run.dir,
    runId: run.id,
    name: run.name ?? run.id,
    seed: run.seed,
    method: methodOf(run),
    backend: backendOf(run),
    state: run.displayState,
    stateDetail: stateDetailOf(run),
    epoch: run.lastEpoch?.epoch ?? run.status?.epoch ?? 0,
    epochs: epochsOf(run),
    startedAt: run.status?.startedAt ?? null,
    endedAt: run.status?.endedAt ?? null,
    modalities: config?.mla.order ?? Object.keys(run.lastEpoch?.test.unimodal ?? {}),
    classes,
    fusionType: fusionTypeOf(config),
    summary: run.summary,
  };
}

/** Names the method's fused prediction as `TrainingMethod.fusion` does (that module needs tfjs, not loaded here). */
function fusionTypeOf(config: RunInfo['resolved']): string {
  if (
    config?.method === 'joint' ||
    config?.method === 'ogm-ge' ||
    config?.method === 'mmpareto' ||
    config?.method === 'gblending' ||
    config?.method === 'reconboost'
  )
    return 'concat-head';
  if (config?.method === 'unimodal') return 'mean-probabilities';
  return config?.mla.fusion.type ?? 'entropy';
}

/** The dashboard's line under the state badge: where a stopped run stands, else the reason it ended. */
function stateDetailOf(run: RunInfo): string | null {
  const why = run.reason ?? run.error;
  if (run.displayState !== 'stopped') return why;
  return why ? `${stateText(run)} (${why})` : stateText(run);
}

/**
 * A run's state in words, the same in the tree, its tooltip, its accessible label and the dashboard. A stopped
 * run is not finished: it says where it stopped and that Resume goes on from there.
 */
export function stateText(run: RunInfo): string {
  const state = run.displayState;
  const at = `epoch ${run.lastEpoch?.epoch ?? run.status?.epoch ?? 0}/${epochsOf(run)}`;
  if (state === 'running' || state === 'remote') return `${state} at ${at}`;
  if (state === 'stopped') return `stopped at ${at}${isResumable(run) ? ', Resume continues' : ''}`;
  if (state === 'failed' && run.reason === VANISHED_REASON) return `failed: ${VANISHED_REASON} at ${at}`;
  if (state === 'failed' || state === 'stale') return `${state} at ${at}`;
  return state;
}

/** How messages name a run: its config name and seed ("fused-av seed 2"), never the folder id. */
export function runLabel(run: RunInfo): string {
  const name = run.name ?? run.id;
  return run.seed !== null ? `${name} seed ${run.seed}` : name;
}

/**
 * What a screen reader says for a run row, which it hears instead of the icon: config, seed, state and the
 * fused test accuracy ("example-mla seed 1, completed, fused 97.4%"). `slurm`: what Slurm says of a task
 * whose run folder has not caught up (queued, or started but not yet written).
 */
export function runAccessibleLabel(run: RunInfo, slurm: 'queued' | 'running' | null = null): string {
  const acc = shownAccuracy(run);
  return [
    runLabel(run),
    slurm ? `${slurm} in Slurm` : stateText(run),
    acc !== null ? `fused ${pct(acc)}` : 'no accuracy yet',
  ].join(', ');
}

/**
 * What a screen reader says for a seed group row: config, launch, seed count, whether any runs, and the
 * mean ± std of the fused test accuracy once two seeds have one ("example-mla, launched 1/2/2026, 10:00:00,
 * 3 seeds, fused 97.1 ± 0.4%"). `launch`: the row's own label (a date, or a sweep's axis values).
 */
export function seedGroupAccessibleLabel(
  config: string,
  launch: string,
  runs: readonly RunInfo[],
  seeds: number,
  best = false,
): string {
  const accuracy = meanStd(runs.map(shownAccuracy));
  return [
    config,
    `launched ${launch}`,
    `${seeds} seed${seeds === 1 ? '' : 's'}`,
    runs.some(isActive) ? 'training' : null,
    accuracy.n > 1 ? `fused ${formatMeanStd(accuracy.mean, accuracy.std, { unit: '%' })}` : null,
    best ? 'best of the sweep' : null,
  ]
    .filter((part): part is string => part !== null)
    .join(', ');
}

export function methodOf(run: RunInfo): string {
  return run.resolved?.method ?? run.summary?.method ?? 'mla';
}

/** The backend that ran, with the GPU it ran on (config.json's `run`): "webgpu · nvidia · hopper · NVIDIA H100". */
export function backendOf(run: RunInfo): string {
  const name = run.resolved?.run.backend ?? run.summary?.backend;
  if (name === undefined) return 'unknown';
  const adapter = run.resolved?.run.backendsTried.find((t) => t.name === name)?.adapter;
  return adapter ? `${name} · ${adapter}` : name;
}

export function epochsOf(run: RunInfo): number {
  return run.status?.epochs ?? run.resolved?.training.epochs ?? 0;
}

export function isActive(run: RunInfo): boolean {
  return run.displayState === 'running' || run.displayState === 'remote';
}

/** Stopped, failed or stale, with a checkpoint to go on from. */
export function isResumable(run: RunInfo): boolean {
  const s = run.displayState;
  return (s === 'stopped' || s === 'failed' || s === 'stale') && run.checkpoints.length > 0;
}

/** The fused test accuracy to show: the summary's (best epoch) when there is one, else the last epoch's. */
export function shownAccuracy(run: RunInfo): number | null {
  const v = run.summary?.test.fused ?? run.lastEpoch?.test.fused;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function durationOf(run: RunInfo): number | null {
  if (run.summary) return run.summary.wallSeconds;
  if (run.lastEpoch) return run.lastEpoch.elapsed;
  return null;
}
