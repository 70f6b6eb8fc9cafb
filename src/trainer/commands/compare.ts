// `mla compare`: the paper table of several configs or methods, with significance against a reference.

import { parseArgs } from 'node:util';
import { buildCompareTable } from '../../core/compare/build-table';
import { collectRuns } from '../../core/compare/collect-runs';
import { COMPARE_FORMATS, renderTable, type CompareFormat } from '../../core/compare/render';
import type { CompareEpoch, CompareMetric } from '../../core/compare/types';
import { UsageError, parsePositiveInt } from '../args';
import { COMPARE_HELP } from '../usage';

export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: 'string', default: 'test' },
      epoch: { type: 'string', default: 'best' },
      reference: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(COMPARE_HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('expected run folders, runs folders or *.mla.json configs');
  if (values.metric !== 'test' && values.metric !== 'val') {
    throw new UsageError(`--metric: expected test or val, found "${values.metric}"`);
  }
  if (!(COMPARE_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format: expected one of ${COMPARE_FORMATS.join(', ')}, found "${values.format}"`);
  }
  const epoch: CompareEpoch =
    values.epoch === 'best' || values.epoch === 'last'
      ? values.epoch
      : parsePositiveInt(values.epoch, '--epoch');
  const runs = await collectRuns(positionals);
  const table = buildCompareTable(runs, {
    metric: values.metric as CompareMetric,
    epoch,
    reference: values.reference,
  });
  process.stdout.write(renderTable(table, values.format as CompareFormat));
  return 0;
}
