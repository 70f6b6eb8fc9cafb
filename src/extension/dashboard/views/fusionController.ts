// The fusion inspector: the run's fusion.jsonl (best epoch), and on request a kept checkpoint re-evaluated
// by `mla eval` in a child process, with progress, cancel, and answers tagged with the request's id.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { listCheckpoints } from '../../../core/runs/checkpoint';
import { classNamesOf } from '../../../core/runs/class-names';
import { readFusionFile } from '../../../core/runs/fusion-file';
import { RUN_FILES } from '../../../core/runs/paths';
import type { RunInfo } from '../../../core/runs/reader';
import type { EvalState, FusionRecord, FusionSource, WebviewToHost } from '../../../protocol/dashboard';
import { resolveNodeRuntime } from '../../nodeRuntime';
import { toRunView } from '../../runView';
import { readSettings } from '../../settings';
import { CheckpointEval, EvalCancelled } from '../evalRunner';
import { runsOf, type ViewContext, type ViewController } from './controller';

/** The best validation epoch: the one fusion.jsonl was written for. */
function bestEpochOf(run: RunInfo | undefined): number | null {
  return run?.summary?.fusion.epoch ?? run?.epochs.filter((e) => e.best).at(-1)?.epoch ?? null;
}

/** A finished evaluation, kept so that a webview rebuilt after a tab switch gets it again at once. */
interface EvalAnswer {
  epoch: number;
  /** The checkpoint folder's modification time: a resumed run may rewrite the epoch's checkpoint. */
  version: number;
  source: FusionSource;
  records: FusionRecord[];
}

export class FusionController implements ViewController {
  private readonly evals = new Map<string, CheckpointEval>();
  /** The last evaluation of each run. */
  private readonly answers = new Map<string, EvalAnswer>();

  constructor(private readonly context: ViewContext) {}

  sendAll(): void {
    for (const run of runsOf(this.context)) this.sendFusionFile(run.dir);
  }

  onStoreChange(): void {
    // fusion.jsonl changes only when an epoch improves the validation score: the webview asks again then.
  }

  async handle(message: WebviewToHost): Promise<boolean> {
    switch (message.type) {
      case 'requestFusion':
        this.sendFusionFile(message.runDir);
        return true;
      case 'evalCheckpoint':
        await this.evaluate(message.requestId, message.runDir, message.epoch, message.reuse === true);
        return true;
      case 'cancelEval':
        this.evals.get(message.runDir)?.cancel();
        return true;
      default:
        return false;
    }
  }

  dispose(): void {
    for (const e of this.evals.values()) e.cancel();
  }

  private sendFusionFile(runDir: string): void {
    const run = this.context.store.get(runDir);
    const file = path.join(runDir, RUN_FILES.fusion);
    let records;
    try {
      records = readFusionFile(file).records;
    } catch {
      this.context.transport.notice(
        'info',
        `No fusion records yet (${file}): they are written when an epoch improves the validation score.`,
      );
      return;
    }
    const epoch = bestEpochOf(run) ?? 0;
    this.context.transport.post({
      type: 'fusionRecords',
      requestId: null,
      source: this.source(runDir, epoch, 'fusion.jsonl', records[0]?.fused.length ?? 0, null),
      records,
    });
  }

  private source(
    runDir: string,
    epoch: number,
    origin: FusionSource['origin'],
    classCount: number,
    scores: FusionSource['scores'],
  ): FusionSource {
    const run = this.context.store.get(runDir);
    const view = run ? toRunView(run) : null;
    const fusionType = run?.summary?.fusion.type ?? view?.fusionType ?? 'entropy';
    return {
      runDir,
      epoch,
      origin,
      fusionType,
      perSample: run?.summary?.fusion.perSample ?? fusionType === 'entropy',
      classes: classNamesOf(run?.resolved ?? null, classCount),
      checkpoints: listCheckpoints(runDir).map((c) => c.epoch),
      bestEpoch: bestEpochOf(run),
      scores,
    };
  }

  private async evaluate(requestId: number, runDir: string, epoch: number, reuse: boolean): Promise<void> {
    const post = this.context.transport;
    const progress = (state: EvalState, message: string) =>
      post.post({ type: 'evalProgress', requestId, runDir, epoch, state, message });
    // A refusal is a notice and also the request's end, so a webview waiting for it (one restoring the
    // checkpoint it showed before a tab switch) falls back to the best epoch's records.
    const refuse = (message: string) => {
      post.notice('error', message);
      progress('failed', message);
    };
    if (!vscode.workspace.isTrusted) {
      refuse(
        'Evaluating a checkpoint is disabled in Restricted Mode: it runs a process. Trust the workspace to evaluate.',
      );
      return;
    }
    const checkpoint = listCheckpoints(runDir).find((c) => c.epoch === epoch);
    if (!checkpoint) {
      refuse(`Epoch ${epoch} has no kept checkpoint.`);
      return;
    }
    const version = modifiedAt(checkpoint.dir);
    const kept = this.answers.get(runDir);
    if (reuse && kept && kept.epoch === epoch && kept.version === version) {
      progress('done', `Epoch ${epoch} evaluated.`);
      // The list of checkpoints and the best epoch may have moved on since (a run still training).
      const source = {
        ...kept.source,
        checkpoints: listCheckpoints(runDir).map((c) => c.epoch),
        bestEpoch: bestEpochOf(this.context.store.get(runDir)),
      };
      post.post({ type: 'fusionRecords', requestId, source, records: kept.records });
      return;
    }
    this.evals.get(runDir)?.cancel();
    let runtime;
    try {
      runtime = await resolveNodeRuntime(readSettings().nodePath);
    } catch (error) {
      progress('failed', (error as Error).message);
      return;
    }
    progress('running', `Evaluating the checkpoint of epoch ${epoch}…`);
    const job = new CheckpointEval(runtime, this.context.trainerScript, runDir, epoch);
    this.evals.set(runDir, job);
    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    const ticker = setInterval(
      () => progress('running', `Evaluating the checkpoint of epoch ${epoch}… ${Math.round(seconds())} s`),
      1000,
    );
    try {
      const result = await job.result;
      progress('done', `Epoch ${epoch} evaluated in ${seconds().toFixed(1)} s.`);
      const source = this.source(runDir, result.epoch, 'eval', result.records[0]?.fused.length ?? 0, {
        val: result.val,
        test: result.test,
        partial: result.partial,
      });
      this.answers.set(runDir, { epoch, version, source, records: result.records });
      post.post({ type: 'fusionRecords', requestId, source, records: result.records });
    } catch (error) {
      if (error instanceof EvalCancelled) progress('cancelled', 'Evaluation cancelled.');
      else progress('failed', (error as Error).message);
    } finally {
      clearInterval(ticker);
      if (this.evals.get(runDir) === job) this.evals.delete(runDir);
    }
  }
}

function modifiedAt(dir: string): number {
  try {
    return fs.statSync(dir).mtimeMs;
  } catch {
    return NaN;
  }
}
