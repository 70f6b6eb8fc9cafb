// Run folders for the run explorer's pure logic (tree updates, click and Compare Seeds targets, labels):
// written by the trainer's own writer and read back by the reader the extension uses.

import { readRun, type RunInfo } from '../../src/core/runs/reader';
import { RunWriter } from '../../src/core/runs/writer';
import { epochRecord, runConfig, status } from './runs-fixtures';

export interface RunSpec {
  config: string;
  seed: number;
  group: string;
  /** Fused test accuracy of each epoch written, in order. */
  fused: readonly number[];
  state: 'running' | 'completed' | 'stopped';
}

/** Writes a run folder (10 epochs planned) and keeps its writer open so a test can add epochs. */
export function writeRun(runsDir: string, spec: RunSpec): RunWriter {
  const writer = RunWriter.create(
    runsDir,
    `${spec.group}-${spec.config}-s${spec.seed}`,
    runConfig(spec.config, spec.seed, spec.group),
  );
  spec.fused.forEach((fused, i) => writer.appendMetrics(epochRecord(i + 1, fused)));
  setState(writer, spec.state, spec.fused.length);
  return writer;
}

export function setState(writer: RunWriter, state: RunSpec['state'], epoch: number): void {
  writer.setStatus({
    ...status(state, process.pid),
    epoch,
    endedAt: state === 'running' ? null : '2026-01-01T00:10:00.000Z',
  });
}

export async function readRuns(writers: RunWriter[]): Promise<RunInfo[]> {
  return Promise.all(writers.map((w) => readRun(w.dir)));
}
