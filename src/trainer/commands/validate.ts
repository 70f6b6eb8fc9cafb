// `mla validate`: the same checks as the editor and the trainer's start-up, printed compiler-style.

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../core/config/format';
import { validateManifestText } from '../../core/config/validateManifest';
import { dataDiagnostic, preflight } from '../../core/train/preflight';
import { UsageError, readConfigText } from '../args';
import { VALIDATE_HELP } from '../usage';

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(VALIDATE_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError('expected one config file: mla validate <config.mla.json | dataset.json>');
  const file = path.resolve(positionals[0]);
  const text = readConfigText(file);
  // A dataset manifest gets the checks the editor shows for it; a config the trainer's own check, data
  // included, so validate says "valid" only where train would start.
  const diagnostics =
    path.basename(file) === 'dataset.json'
      ? await validateManifestText(text, file)
      : await configDiagnostics(text, file);
  const shown = path.relative(process.cwd(), file) || file;
  for (const d of diagnostics) process.stdout.write(formatDiagnostic(shown, d) + '\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (errors > 0) {
    process.stderr.write(
      `${shown}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
    );
    return 1;
  }
  process.stderr.write(
    `${shown}: valid${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`,
  );
  return 0;
}

async function configDiagnostics(text: string, file: string) {
  const result = await preflight(text, file);
  return result.dataError
    ? [...result.diagnostics, dataDiagnostic(text, result.dataError)]
    : result.diagnostics;
}
