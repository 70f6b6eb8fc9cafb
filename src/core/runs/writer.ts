// The trainer's side of a run folder (docs/formats.md, run folder). Whole-file records (config, status, summary, fusion)
// are replaced atomically; metrics and log lines are appended and reach the OS as soon as they are written.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile, sweepTempFiles, writeFileAtomic, writeJsonAtomic } from './atomic';
import { AppendFile } from './append-file';
import { JsonlAppender } from './jsonl';
import { RUN_FILES } from './paths';
import type { FusionRecord, MetricsRecord, RunStatus, RunSummary } from './types';

export class RunWriter {
  private readonly metrics: JsonlAppender;
  private readonly logFile: AppendFile;
  private closed = false;

  private constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, RUN_FILES.checkpoints), { recursive: true });
    this.metrics = new JsonlAppender(path.join(dir, RUN_FILES.metrics));
    this.logFile = new AppendFile(path.join(dir, RUN_FILES.log));
  }

  get runId(): string {
    return path.basename(this.dir);
  }

  /** Makes `<runsDir>/<runId>/` (which must not exist yet) with `checkpoints/`, and writes `config.json`. */
  static create(runsDir: string, runId: string, resolvedConfigRecord: object): RunWriter {
    fs.mkdirSync(runsDir, { recursive: true });
    const dir = path.join(runsDir, runId);
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new Error(`${dir}: run folder already exists (choose another run id, see newRunId)`);
      }
      throw error;
    }
    writeJsonAtomic(path.join(dir, RUN_FILES.config), resolvedConfigRecord);
    return new RunWriter(dir);
  }

  /** Reopens an existing run folder to resume it; leftovers of a killed writer are cleaned up. */
  static open(runDir: string): RunWriter {
    readJsonFile(path.join(runDir, RUN_FILES.config)); // throws a message naming the file if it is missing or bad
    sweepTempFiles(runDir);
    return new RunWriter(runDir);
  }

  setStatus(status: RunStatus): void {
    this.ensureOpen();
    writeJsonAtomic(path.join(this.dir, RUN_FILES.status), status);
  }

  appendMetrics(record: MetricsRecord): void {
    this.ensureOpen();
    this.metrics.append(record);
  }

  writeSummary(summary: RunSummary): void {
    this.ensureOpen();
    writeJsonAtomic(path.join(this.dir, RUN_FILES.summary), summary);
  }

  /** Replaces `fusion.jsonl` as a whole: a reader sees the previous evaluation or this one, never a mix. */
  writeFusion(records: FusionRecord[]): void {
    this.ensureOpen();
    writeFileAtomic(
      path.join(this.dir, RUN_FILES.fusion),
      records.map((r) => JSON.stringify(r) + '\n').join(''),
    );
  }

  /** Appends `ISO-time  line` to log.txt; each line of a multi-line message gets the time stamp. */
  log(line: string): void {
    this.ensureOpen();
    const time = new Date().toISOString();
    this.logFile.write(
      line
        .split(/\r?\n/)
        .map((part) => `${time}  ${part}\n`)
        .join(''),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.metrics.close();
    this.logFile.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`${this.dir}: run writer already closed`);
  }
}
