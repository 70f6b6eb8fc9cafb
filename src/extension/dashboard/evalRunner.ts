// Re-evaluates a kept checkpoint for the fusion inspector: `node dist/trainer.js eval <run> --checkpoint N
// --json --out FILE` in a child process (the extension host never loads TensorFlow.js), cancellable.

import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFusionFile, type FusionFile } from '../../core/runs/fusion-file';
import type { SplitScores } from '../../core/runs/types';
import { decodeEvalResult } from '../../protocol/evalResult';
import type { NodeRuntime } from '../nodeRuntime';
import { spawnNode } from '../spawnNode';

export interface EvalResult extends FusionFile {
  epoch: number;
  partial: boolean;
  val: SplitScores;
  test: SplitScores;
}

export class EvalCancelled extends Error {}

export class CheckpointEval {
  private child: ChildProcess | null = null;
  private cancelled = false;
  readonly result: Promise<EvalResult>;

  constructor(runtime: NodeRuntime, trainerScript: string, runDir: string, epoch: number) {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-eval-'));
    const out = path.join(outDir, `fusion-epoch-${epoch}.jsonl`);
    const args = ['eval', runDir, '--checkpoint', String(epoch), '--json', '--out', out];
    this.result = new Promise<EvalResult>((resolve, reject) => {
      const child = spawnNode(runtime, trainerScript, args);
      this.child = child;
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', (error) => reject(new Error(`could not start the trainer: ${error.message}`)));
      child.on('exit', (code, signal) => {
        try {
          if (this.cancelled) throw new EvalCancelled('cancelled');
          if (code !== 0) {
            const why = stderr.trim().split('\n').slice(-3).join(' ') || `exit ${code ?? signal}`;
            throw new Error(`mla eval failed: ${why}`);
          }
          const scores = decodeEvalResult(stdout.trim().split('\n').pop() ?? '');
          resolve({
            epoch: scores.epoch,
            partial: scores.partial,
            val: scores.val,
            test: scores.test,
            ...readFusionFile(out),
          });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        } finally {
          fs.rmSync(outDir, { recursive: true, force: true });
        }
      });
    });
  }

  cancel(): void {
    this.cancelled = true;
    this.child?.kill('SIGTERM');
  }
}
