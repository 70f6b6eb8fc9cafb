// The fusion inspector: the run's fusion.jsonl (best epoch), and on request a kept checkpoint re-evaluated
// by `mla eval` in a child process, with progress, cancel, and answers tagged with the request's id.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { listCheckpoints } from '../../../core/runs/checkpoint';
import { classNamesOf } from '../../../core/runs/class-names';
import { readFusionFile } from '../../../core/runs/fusion-file';
import { RUN_FILES } from '../../../core/runs/paths';
import type { EvalState, FusionSource, WebviewToHost } from '../../../protocol/dashboard';
import { resolveNodeRuntime } from '../../nodeRuntime';
import { toRunView } from '../../runView';
import { readSettings } from '../../settings';
import { CheckpointEval, EvalCancelled } from '../evalRunner';
import { runsOf, type ViewContext, type ViewController } from './controller';

export class FusionController implements ViewController {
  private readonly evals = new Map<string, CheckpointEval>();

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
        await this.evaluate(message.requestId, message.runDir, message.epoch);
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
    const epoch = run?.summary?.fusion.epoch ?? run?.epochs.filter((e) => e.best).at(-1)?.epoch ?? 0;
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
      scores,
    };
  }

  private async evaluate(requestId: number, runDir: string, epoch: number): Promise<void> {
    const post = this.context.transport;
    if (!vscode.workspace.isTrusted) {
      post.notice(
        'error',
        'Evaluating a checkpoint is disabled in Restricted Mode: it runs a process. Trust the workspace to evaluate.',
      );
      return;
    }
    if (!listCheckpoints(runDir).some((c) => c.epoch === epoch)) {
      post.notice('error', `Epoch ${epoch} has no kept checkpoint.`);
      return;
    }
    this.evals.get(runDir)?.cancel();
    const progress = (state: EvalState, message: string) =>
      post.post({ type: 'evalProgress', requestId, runDir, epoch, state, message });
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
      post.post({
        type: 'fusionRecords',
        requestId,
        source: this.source(runDir, result.epoch, 'eval', result.records[0]?.fused.length ?? 0, {
          val: result.val,
          test: result.test,
          partial: result.partial,
        }),
        records: result.records,
      });
    } catch (error) {
      if (error instanceof EvalCancelled) progress('cancelled', 'Evaluation cancelled.');
      else progress('failed', (error as Error).message);
    } finally {
      clearInterval(ticker);
      if (this.evals.get(runDir) === job) this.evals.delete(runDir);
    }
  }
}
