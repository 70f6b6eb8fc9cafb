// `config.json` of a run folder (docs/formats.md, run folder): the resolved config, plus what this run actually was. The
// trainer writes it at the start; every reader (the run explorer, the dashboard, `mla`) takes a run's
// method, modalities, backend and seed group from it through `checkRunConfig`.

import type { BackendAttempt } from '../backend/types';
import type { ResolvedConfig } from '../config/types';
import type { RunSweepInfo } from '../sweep/types';
import { Checker } from './record-checks';

export interface RunConfigRecord extends ResolvedConfig {
  run: {
    runId: string;
    seed: number;
    /** Runs launched together (the seeds of one "train"): what the explorer groups and "compare seeds" uses. */
    group: string;
    configFile: string;
    backend: string;
    backendsTried: BackendAttempt[];
    versions: { mlaStudio: string; tfjs: string; node: string };
    host: string;
    createdAt: string;
    /** sha256 of the training config (without `run` and `training.epochs`), recorded at the start. */
    configHash?: string;
    /** sha256 of each part of the loaded data (classes, labels, splits, each modality), recorded at the start. */
    dataHash?: Record<string, string>;
    /** Present when the run is a trial of a sweep (`mla sweep`). */
    sweep?: RunSweepInfo;
  };
}

// The method names, listed here rather than taken from methods/index.ts, whose trainers pull TensorFlow.js
// into every reader of run folders; the two checks below fail the build when the list misses one or has more.
const METHOD_LIST = [
  'mla',
  'joint',
  'unimodal',
  'ogm-ge',
  'mmpareto',
  'gblending',
  'reconboost',
] as const satisfies readonly ResolvedConfig['method'][];
type Unlisted = Exclude<ResolvedConfig['method'], (typeof METHOD_LIST)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;
const METHODS: readonly string[] = METHOD_LIST;

/**
 * Checks the fields that readers use (name, method, dataset, modality order, fusion rule, epochs and the
 * `run` facts) and returns the record; a wrong one throws a message with the file and the JSON pointer.
 */
export function checkRunConfig(raw: unknown, file: string): RunConfigRecord {
  const c = new Checker(file);
  const record = c.object(raw, '');
  c.string(record.name, '/name');
  if (!METHODS.includes(record.method as string)) c.fail('/method', `one of ${METHODS.join(', ')}`);
  if (record.dataset !== null) c.string(record.dataset, '/dataset');
  c.string(record.datasetBaseDir, '/datasetBaseDir');
  const mla = c.object(record.mla, '/mla');
  c.strings(mla.order, '/mla/order');
  c.string(c.object(mla.fusion, '/mla/fusion').type, '/mla/fusion/type');
  c.number(c.object(record.training, '/training').epochs, '/training/epochs');
  const run = c.object(record.run, '/run');
  c.number(run.seed, '/run/seed');
  for (const key of ['runId', 'group', 'configFile', 'backend'] as const) c.string(run[key], `/run/${key}`);
  if (run.sweep !== undefined) {
    const sweep = c.object(run.sweep, '/run/sweep');
    c.string(sweep.name, '/run/sweep/name');
    c.object(sweep.axes, '/run/sweep/axes');
  }
  return record as unknown as RunConfigRecord;
}
