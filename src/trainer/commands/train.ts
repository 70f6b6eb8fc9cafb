// `mla train`: validate the config with the one validator, pick the backend, then train every requested
// seed one after another (or resume one run), printing progress and a per-seed summary.

import * as path from 'node:path';
import { selectBackend } from '../../core/backend/select';
import { resolveThreads, setWasmThreads } from '../../core/backend/threads';
import { formatDiagnostic } from '../../core/config/format';
import { applyOverrides } from '../../core/config/overrides';
import type { ResolvedConfig } from '../../core/config/types';
import type { Dataset } from '../../core/data/types';
import { defaultRunsDir } from '../../core/runs/paths';
import { ensureWritableRunsDir } from '../../core/runs/runs-dir';
import { preflight } from '../../core/train/preflight';
import {
  backendChoiceForResume,
  readRunConfig,
  resumeRun,
  startRun,
  type RunOutcome,
} from '../../core/train/runner';
import { largestInputBytes, probeShapes, stepMeasureFor } from '../../core/train/step-probe';
import { parseTrainArgv } from '../../protocol/trainerLaunch';
import { TrainUi } from '../trainUi';
import { TRAIN_HELP } from '../usage';
import { UsageError, parseBackend, parsePositiveInt, parseSeed, readConfigText } from '../args';

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseTrainArgv(argv);
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  const epochs = values.epochs !== undefined ? parsePositiveInt(values.epochs, '--epochs') : undefined;
  const backendOverride = values.backend !== undefined ? parseBackend(values.backend) : undefined;
  const threadsFlag =
    values.threads !== undefined ? parsePositiveInt(values.threads, '--threads') : undefined;
  const ui = new TrainUi(values.json, values.quiet);

  if (values.resume !== undefined) {
    if (positionals.length > 0 || values.seed)
      throw new UsageError('--resume takes a run folder and no config or --seed');
    const runDir = path.resolve(values.resume);
    const record = readRunConfig(runDir);
    // Run folders from before the option hold no `threads`.
    const threads = resolveThreads(
      threadsFlag,
      (record.threads as typeof record.threads | undefined) ?? 'auto',
    );
    setWasmThreads(threads);
    const backend = await selectBackend(backendOverride ?? backendChoiceForResume(record));
    ui.backend(backend);
    const outcome = await ui.withStop(
      (hooks) => resumeRun({ runDir, backend, hooks, epochs }),
      `seed ${record.run.seed}`,
      runDir,
    );
    ui.summarize([outcome], record.mla.order);
    return outcome.state === 'failed' ? 1 : 0;
  }

  if (positionals.length !== 1) throw new UsageError('expected one config file: mla train <config.mla.json>');
  const configFile = path.resolve(positionals[0]);
  const checked = await loadValidConfig(configFile, ui);
  if (!checked) return 2;
  const { config, dataset } = checked;
  const seeds = values.seed?.map((s) => parseSeed(s));
  const resolved = applyOverrides(config, { epochs, backend: backendOverride, seeds });
  const runsDir =
    values['runs-dir'] !== undefined ? path.resolve(values['runs-dir']) : defaultRunsDir(configFile);
  ensureWritableRunsDir(runsDir);
  // `auto` times this model on each backend that loads (step-probe.ts) and keeps the fastest.
  const shapes = probeShapes(resolved, dataset);
  const threads = resolveThreads(threadsFlag, resolved.threads);
  setWasmThreads(threads);
  const backend = await selectBackend(resolved.backend, {
    measure: stepMeasureFor(resolved, shapes),
    largestBufferBytes: largestInputBytes(shapes),
  });
  ui.backend(backend);
  // The seeds of one command form one seed group (the extension passes its own when it spreads them over processes).
  const group = values.group ?? new Date().toISOString();
  const outcomes: RunOutcome[] = [];
  for (const seed of resolved.seeds) {
    let runDir = '';
    const outcome = await ui.withStop(
      (hooks) =>
        startRun({
          config: resolved,
          configFile,
          seed,
          runsDir,
          backend,
          hooks,
          dataset,
          group,
          onRunDir: (dir) => {
            runDir = dir;
            ui.runStarted(dir, seed);
          },
        }),
      `seed ${seed}`,
      () => runDir,
    );
    outcomes.push(outcome);
    if (outcome.state === 'stopped') break;
  }
  ui.summarize(outcomes, resolved.mla.order);
  return outcomes.some((o) => o.state === 'failed') ? 1 : 0;
}

/** The config and its data after the check `mla validate` makes; null after printing a config's errors. */
async function loadValidConfig(
  configFile: string,
  ui: TrainUi,
): Promise<{ config: ResolvedConfig; dataset: Dataset } | null> {
  const text = readConfigText(configFile);
  const result = await preflight(text, configFile);
  for (const d of result.diagnostics) ui.diagnostic(d.severity, formatDiagnostic(configFile, d));
  // Bad data is reported as before: one message naming the file and place, exit code 1.
  if (result.dataError) throw result.dataError;
  return result.config && result.dataset ? { config: result.config, dataset: result.dataset } : null;
}
