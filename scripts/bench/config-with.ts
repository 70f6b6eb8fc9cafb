// A config file as the bench scripts train it: its epochs (and optionally its method) replaced, validated as
// the trainer would. Throws the validator's diagnostics when the result is not a valid config.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateConfig } from '../../src/core/config/validate';
import type { ResolvedConfig } from '../../src/core/config/types';

export async function configWith(
  configFile: string,
  change: { epochs: number; method?: string },
): Promise<ResolvedConfig> {
  const raw = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, Record<string, unknown>>;
  raw.training.epochs = change.epochs;
  if (change.method) (raw as Record<string, unknown>).method = change.method;
  const result = await validateConfig(JSON.stringify(raw), path.resolve(configFile));
  if (!result.config) throw new Error(`${configFile}: ${JSON.stringify(result.diagnostics)}`);
  return result.config;
}
