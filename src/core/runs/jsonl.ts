// JSON-lines files of a run folder (`metrics.jsonl`, `fusion.jsonl`): an appender for the trainer and a
// tolerant reader. The follower for live views lives in jsonl-tail.ts.

import { readBoundedSync } from '../io/bounded-read';
import { LIMITS } from '../io/limits';
import { AppendFile } from './append-file';
import { lineText, NEWLINE, parseJsonLine } from './jsonl-line';

export { JsonlTail } from './jsonl-tail';
export type { JsonlPoll } from './jsonl-tail';

/**
 * Appends one JSON object per line, each line as a single write (see AppendFile): a trainer killed at any
 * moment loses no finished line, and a training step never waits for the disk. One line is a few hundred
 * bytes, so a write costs microseconds.
 */
export class JsonlAppender {
  private readonly out: AppendFile;

  constructor(readonly file: string) {
    this.out = new AppendFile(file);
    // A run killed mid-write leaves a line without its newline. Resuming would glue the next record onto
    // it and lose both, so end that fragment first: it stays one corrupt line that readers skip.
    const last = this.out.lastByte();
    if (last !== null && last !== NEWLINE) this.out.write('\n');
  }

  append(record: object): void {
    this.out.write(JSON.stringify(record) + '\n');
  }

  close(): void {
    this.out.close();
  }
}

export interface JsonlContents<T> {
  records: T[];
  /** The file ends in an unfinished line (a writer killed mid-line, or still writing): it was left out. */
  partialTail: boolean;
  /** Number of complete lines that are not a JSON object; they were skipped. */
  corrupt: number;
  /** 1-based line numbers of those lines, for a message such as "metrics.jsonl: line 17 skipped". */
  corruptLines: number[];
}

/**
 * Reads a whole JSON-lines file. A last line without `\n` is kept only if it parses as a whole object
 * (a hand-edited file without a final newline); otherwise it is a partial tail, not a corrupt line.
 * Records are cast, not checked: callers validate the fields they use. A missing, non-regular or larger
 * than `limit` file throws a FileAccessError naming it.
 */
export function readJsonl<T>(file: string, limit: number = LIMITS.jsonl): JsonlContents<T> {
  const bytes = readBoundedSync(file, { limit, what: 'a JSON-lines file' });
  return parseJsonl<T>(bytes);
}

export function parseJsonl<T>(bytes: Buffer): JsonlContents<T> {
  const result: JsonlContents<T> = { records: [], partialTail: false, corrupt: 0, corruptLines: [] };
  let start = 0;
  let lineNumber = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(NEWLINE, start);
    const complete = end !== -1;
    const text = lineText(bytes.subarray(start, complete ? end : bytes.length));
    lineNumber += 1;
    start = complete ? end + 1 : bytes.length;
    if (text.trim() === '') continue;
    const record = parseJsonLine(text);
    if (record !== undefined) {
      result.records.push(record as T);
    } else if (complete) {
      result.corrupt += 1;
      result.corruptLines.push(lineNumber);
    } else {
      result.partialTail = true;
    }
  }
  return result;
}
