// `mla compare`: the paper table of several configs or methods, with significance against a reference.

import { parseArgs } from 'node:util';
import { selectBackend } from '../../core/backend/select';
import { buildCompareReport } from '../../core/compare/build-report';
import { collectRuns } from '../../core/compare/collect-runs';
import { missingGridTable } from '../../core/compare/missing-grid-table';
import { COMPARE_FORMATS, renderReport, renderTable, type CompareFormat } from '../../core/compare/render';
import type { CompareEpoch, CompareMetric } from '../../core/compare/types';
import { backendChoiceForResume } from '../../core/train/runner';
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
      'missing-grid': { type: 'string' },
      'missing-combos': { type: 'string' },
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
  if (values['missing-grid'] !== undefined || values['missing-combos'] !== undefined) {
    if (values.metric !== 'test')
      throw new UsageError('--missing-grid evaluates the test split: drop --metric');
    if (values.reference !== undefined)
      throw new UsageError('--missing-grid has no significance column: drop --reference');
    const rates = values['missing-grid'] !== undefined ? parseRates(values['missing-grid']) : [];
    const combos = values['missing-combos'] !== undefined ? parseCombos(values['missing-combos']) : [];
    await selectBackend(backendChoiceForResume(runs[0].resolved!)).catch(() => selectBackend('auto'));
    const table = await missingGridTable(runs, { epoch, rates, combos }, (m) =>
      process.stderr.write(`${m}…\n`),
    );
    process.stdout.write(renderTable(table, values.format as CompareFormat));
    return 0;
  }
  const report = buildCompareReport(runs, {
    metric: values.metric as CompareMetric,
    epoch,
    reference: values.reference,
  });
  process.stdout.write(renderReport(report, values.format as CompareFormat));
  return 0;
}

function parseRates(value: string): number[] {
  const rates = value.split(',').map((part) => {
    const text = part.trim();
    const rate = Number(text);
    if (text === '' || !(rate >= 0 && rate < 1)) {
      throw new UsageError(`--missing-grid: expected rates in [0, 1) separated by commas, found "${part}"`);
    }
    return rate;
  });
  if (new Set(rates).size !== rates.length)
    throw new UsageError(`--missing-grid: a rate is listed twice in "${value}"`);
  return rates;
}

function parseCombos(value: string): string[][] {
  return value.split(',').map((part) => {
    const names = part.split('+').map((m) => m.trim());
    if (names.some((m) => m === '')) {
      throw new UsageError(
        `--missing-combos: expected modality names joined by + and separated by commas, found "${part}"`,
      );
    }
    return names;
  });
}
