// One protocol for every row: runs may differ only in their method and that method's own options. Anything
// else that differs (dataset, splits, optimizer, schedule, epochs, batch size, model, preprocessing) would make
// the comparison unfair, so it is refused with what differs.

import { missingRatesOf } from '../data/missing';
import { METHOD_OPTION_BLOCKS } from '../config/method-blocks';
import type { RunInfo } from '../runs/reader';
import type { RunConfigRecord } from '../runs/run-config';

/** A run's own identity and the method's options: free to differ between rows. */
const FREE_KEYS = new Set([
  'name',
  'method',
  'mla',
  ...Object.keys(METHOD_OPTION_BLOCKS),
  'run',
  'seeds',
  'backend',
  'threads',
  'datasetBaseDir',
]);

export function protocolOf(config: RunConfigRecord): Record<string, unknown> {
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (!FREE_KEYS.has(key)) shared[key] = value;
  if (config.run.dataHash !== undefined) shared.dataHash = config.run.dataHash;
  // Run folders from before the split rates and the fill option hold one rate and no fill: the same protocol.
  const preprocess = config.preprocess as Partial<RunConfigRecord['preprocess']> | undefined;
  if (preprocess) {
    shared.preprocess = {
      ...preprocess,
      missingRate: missingRatesOf(preprocess.missingRate ?? 0),
      missingFill: preprocess.missingFill ?? 'skip',
    };
  }
  return shared;
}

/** Throws, naming the runs and every field that differs from the first run's, when the protocols disagree. */
export function checkProtocol(runs: readonly RunInfo[]): void {
  if (runs.length === 0) return;
  const first = runs[0];
  const problems: string[] = [];
  for (const run of runs.slice(1)) {
    const differ = protocolDifferences(first, run);
    if (differ.length > 0) problems.push(`${run.dir} differs from ${first.dir} in ${differ.join('; ')}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `these runs do not share one protocol (only the method and its options may differ):\n  ${problems.join('\n  ')}`,
    );
  }
}

/** Every protocol field in which `run` differs from `base`, as `field: base's value vs run's value`. */
export function protocolDifferences(base: RunInfo, run: RunInfo): string[] {
  const a = flatten(protocolOf(base.resolved as RunConfigRecord));
  const b = flatten(protocolOf(run.resolved as RunConfigRecord));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k] ?? '(none)'} vs ${b[k] ?? '(none)'}`);
}

/** `training/optimizer/lr` → JSON text of the value, so nested fields compare and print one by one. */
function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value))
      Object.assign(out, flatten(v, prefix === '' ? k : `${prefix}/${k}`));
    return out;
  }
  return { [prefix]: JSON.stringify(value) };
}

/** The protocol as lines a table states above itself. */
export function describeProtocol(config: RunConfigRecord): string[] {
  const t = config.training;
  return [
    `dataset ${config.dataset ?? '(inline)'}`,
    `${t.epochs} epochs, batch size ${t.batchSize}, validation fraction ${t.valFraction}`,
    `optimizer ${JSON.stringify(t.optimizer)}, schedule ${JSON.stringify(t.lrSchedule)}`,
  ];
}
