// The one check `mla validate` and `mla train` make before training: the config validator, then the
// dataset loaded exactly as the trainer loads it (every value, label and split index, every size limit,
// the rows each seed's splits get), so that validate never calls "valid" what train then rejects.

import { LineIndex, nodeAtPointer, parseStrictJson } from '../config/jsonText';
import type { Diagnostic, ResolvedConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { DataError, type Dataset } from '../data/types';
import { splitRows } from './prepare';
import { loadRunDataset } from './runner';

export interface Preflight {
  /** The config validator's diagnostics. */
  diagnostics: Diagnostic[];
  /** `null` when any diagnostic is an error. */
  config: ResolvedConfig | null;
  /** The data as training sees it; `null` when the config has errors or the data was refused. */
  dataset: Dataset | null;
  /** Why the data was refused (the message names the file and the place). */
  dataError: DataError | null;
}

export async function preflight(text: string, configPath: string): Promise<Preflight> {
  const { diagnostics, config } = await validateConfig(text, configPath);
  if (!config) return { diagnostics, config, dataset: null, dataError: null };
  try {
    const dataset = await loadRunDataset(config);
    // The splits each seed trains on: a valFraction that empties one is refused here, not in a run folder.
    for (const seed of config.seeds) splitRows(dataset, config, seed);
    return { diagnostics, config, dataset, dataError: null };
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    return { diagnostics, config, dataset: null, dataError: error };
  }
}

/** A data refusal as a diagnostic on the config's `dataset` value, for `file:line:col` output. */
export function dataDiagnostic(text: string, error: DataError): Diagnostic {
  const lines = new LineIndex(text);
  const root = parseStrictJson(text).root;
  const node = root ? nodeAtPointer(root, '/dataset') : undefined;
  return {
    severity: 'error',
    message: error.message,
    pointer: node ? '/dataset' : '',
    range: lines.range(node?.offset ?? 0, node?.length ?? 0),
  };
}
