// A sweep (`*.sweep.json`) as the user writes it, and the plan it expands to: one trial per combination of
// grid values × random draws × seeds, each an ordinary run folder whose config.json records where it came from.

import type { Diagnostic, ResolvedConfig } from '../config/types';
import type { RunState } from '../runs/types';

export interface Distribution {
  logUniform?: [number, number];
  uniform?: [number, number];
  integer?: boolean;
}

export interface SlurmOptions {
  partition?: string;
  time?: string;
  mem?: string;
  gpus?: number;
  cpusPerTask?: number;
  sbatch?: string[];
  setup?: string[];
}

/** One axis of the sweep file: a config key and, for located errors, where the sweep file wrote it. */
export interface Axis {
  /** The key as written (dotted path or JSON pointer); what run folders record and tables show. */
  key: string;
  /** The same key as an RFC 6901 pointer into the config. */
  pointer: string;
  kind: 'grid' | 'random';
  /** grid: the listed values. */
  values?: unknown[];
  /** random: the distribution. */
  distribution?: Distribution;
  /** Pointer of the axis inside the sweep file, e.g. `/grid/training.optimizer.lr`. */
  sweepPointer: string;
}

export interface SweepSpec {
  name: string;
  /** Absolute path of the base config file, or null when the base is inline. */
  baseFile: string | null;
  axes: Axis[];
  samples: number;
  randomSeed: number;
  /** `null`: the base config's seeds. */
  seeds: number[] | null;
  overrides: { key: string; pointer: string; value: unknown; sweepPointer: string }[];
  metric: string;
  maxParallel: number | null;
  slurm: SlurmOptions;
}

/** A diagnostic with the file it is about: the sweep file or its base config. */
export interface SweepDiagnostic extends Diagnostic {
  file: string;
}

/** What a trial's run folder records in `config.json` → `run.sweep`. */
export interface RunSweepInfo {
  /** The sweep's id: its name, made safe for folder names. */
  id: string;
  name: string;
  file: string;
  trialId: string;
  index: number;
  /** Axis key as written in the sweep file → this trial's value (the seed is `run.seed`). */
  axes: Record<string, unknown>;
  metric: string;
}

export interface TrialPlan {
  index: number;
  trialId: string;
  runId: string;
  seed: number;
  axes: Record<string, unknown>;
  /** Trials with the same axis values and different seeds share a group (what "compare seeds" takes). */
  group: string;
  config: ResolvedConfig;
  /** The config file the trial's relative paths came from: the base file, or the sweep file for an inline base. */
  configFile: string;
}

/** `plan.json` in the sweep's folder: everything an executor (or an array task on a cluster) needs. */
export interface SweepPlan {
  version: 1;
  sweepId: string;
  name: string;
  sweepFile: string;
  runsDir: string;
  metric: string;
  maxParallel: number | null;
  slurm: SlurmOptions;
  trials: TrialPlan[];
}

export const DEFAULT_METRIC = 'val.fused';

/** A trial's state for progress counts: its run folder's, `pending` before it has one, `queued` in a scheduler. */
export type TrialState = RunState | 'pending' | 'queued';
