// Slurm options a sweep file leaves out come from elsewhere: the editor's `mla.slurm.*` settings, or the
// `mla sweep` flags of the same names. What the sweep file says always wins, so a sweep file that names its
// partition runs the same from every machine.

import type { SlurmOptions } from '../types';

const KEYS = ['partition', 'time', 'mem', 'gpus', 'cpusPerTask', 'sbatch', 'setup'] as const;

export function withSlurmDefaults(fromFile: SlurmOptions, defaults: SlurmOptions): SlurmOptions {
  const out: SlurmOptions = { ...fromFile };
  for (const key of KEYS) {
    if (out[key] !== undefined || defaults[key] === undefined) continue;
    // One assignment per key keeps each value's own type (string, number, string[]).
    Object.assign(out, { [key]: defaults[key] });
  }
  return out;
}
