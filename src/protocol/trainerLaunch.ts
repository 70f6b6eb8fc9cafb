// `mla train`'s command line, as one table both sides use: the extension encodes a TrainerLaunch into the
// arguments of the trainer process it spawns, and the command line decodes every `mla train` (typed in a
// terminal or spawned) with the same options. A flag renamed on one side cannot be missed on the other.

import { parseArgs } from 'node:util';
import type { BackendChoice } from '../core/config/types';

/** The options of `mla train` (node:util parseArgs form). */
export const TRAIN_OPTIONS = {
  seed: { type: 'string', multiple: true },
  epochs: { type: 'string' },
  'runs-dir': { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  resume: { type: 'string' },
  group: { type: 'string' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** One trainer process the extension starts: a seed of a config, or the resumption of a run folder. */
export type TrainerLaunch =
  | {
      kind: 'train';
      configPath: string;
      seed: number;
      runsDir: string;
      /** The seed group: the launch time shared by the seeds started together. */
      group: string;
      backend?: BackendChoice;
    }
  | { kind: 'resume'; runDir: string };

/** The arguments after the trainer script: `train …`, always with `--json` (the extension reads events). */
export function launchArgv(launch: TrainerLaunch): string[] {
  if (launch.kind === 'resume') return ['train', '--resume', launch.runDir, '--json'];
  const args = ['train', launch.configPath, '--seed', String(launch.seed), '--runs-dir', launch.runsDir];
  args.push('--group', launch.group);
  if (launch.backend) args.push('--backend', launch.backend);
  args.push('--json');
  return args;
}

/** The arguments after `train`, as strings; the command checks their values (seeds, epochs, backend). */
export function parseTrainArgv(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: TRAIN_OPTIONS, strict: true });
}

export type TrainArgv = ReturnType<typeof parseTrainArgv>;
