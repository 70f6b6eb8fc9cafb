// Follows a growing JSON-lines file by byte offset, for live views: each poll reads only what was appended
// since the last one. Lines are split on raw bytes and decoded only when complete, so a multi-byte
// character cut by a poll boundary is never garbled. Memory stays bounded whatever the file holds: a poll
// reads at most POLL_BYTES, and a line longer than MAX_LINE_BYTES is skipped rather than buffered.

import * as fs from 'node:fs';
import { fileErrorFrom } from '../io/file-error';
import { openRegularFileSync, type OpenFileSync } from '../io/regular-file';
import { lineText, NEWLINE, parseJsonLine } from './jsonl-line';

export interface JsonlPoll<T> {
  records: T[];
  /**
   * The file was truncated, replaced or deleted since the last poll, so reading started over from its
   * first byte: a view should drop what it had and take `records` as the whole file so far.
   */
  restarted: boolean;
}

/** Bytes compared at every poll to notice a file rewritten in place to at least its old length. */
const HEAD_BYTES = 64;

/** Bytes read per poll at most: a huge file is caught up over several polls, in bounded memory. */
export const POLL_BYTES = 32 * 1024 * 1024;
/** A line longer than this is not a record any writer of ours makes: it is dropped as corrupt. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export class JsonlTail<T> {
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);
  /** The pending bytes belong to an overlong line being skipped up to its newline. */
  private skippingLine = false;
  private identity: string | null = null;
  private head: Buffer = Buffer.alloc(0);
  /** Complete lines that were not a JSON object, since construction. */
  corrupt = 0;
  /** 1-based line numbers of the corrupt lines of the file as now followed (cleared on a restart). */
  corruptLines: number[] = [];
  /** Bytes read from the file since construction, restarts included. */
  bytesRead = 0;
  private lines = 0;
  /** Why the file cannot be followed (not a regular file, unreadable), or null. */
  problem: string | null = null;

  private readonly pollBytes: number;
  private readonly maxLineBytes: number;

  constructor(
    readonly file: string,
    limits: { pollBytes?: number; maxLineBytes?: number } = {},
  ) {
    this.pollBytes = limits.pollBytes ?? POLL_BYTES;
    this.maxLineBytes = limits.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /** New complete records since the last call; an unfinished last line waits for the next call. */
  poll(): T[] {
    return this.pollChanges().records;
  }

  pollChanges(): JsonlPoll<T> {
    let restarted = false;
    let opened: OpenFileSync;
    try {
      opened = openRegularFileSync(this.file);
      this.problem = null;
    } catch (error) {
      // Not created yet, or deleted: a later file is read from its start. A device, FIFO or folder in its
      // place is never read (it could block or never end); the reason is kept for the view to show.
      const refusal = fileErrorFrom(this.file, error);
      this.problem = refusal.problem === 'not-found' ? null : refusal.message;
      restarted = this.offset > 0 || this.pending.length > 0;
      this.restart(null);
      return { records: [], restarted };
    }
    const { fd, stats } = opened;
    try {
      const identity = `${stats.dev}:${stats.ino}`;
      if (
        this.identity !== null &&
        (identity !== this.identity || stats.size < this.offset || !this.sameHead(fd))
      ) {
        restarted = true;
        this.restart(identity);
      }
      this.identity = identity;
      if (stats.size === this.offset) return { records: [], restarted };

      const chunk = readAt(fd, this.offset, Math.min(stats.size - this.offset, this.pollBytes));
      this.offset += chunk.length;
      this.bytesRead += chunk.length;
      if (this.head.length < HEAD_BYTES) {
        this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
      }
      return { records: this.takeLines(chunk), restarted };
    } finally {
      fs.closeSync(fd);
    }
  }

  private takeLines(chunk: Buffer): T[] {
    const bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    const records: T[] = [];
    let start = 0;
    if (this.skippingLine && lastNewline !== -1) {
      // The rest of an overlong line, which was already counted as corrupt.
      start = bytes.indexOf(NEWLINE) + 1;
      this.skippingLine = false;
      this.lines += 1;
    }
    while (!this.skippingLine && start <= lastNewline) {
      const end = bytes.indexOf(NEWLINE, start);
      const text = lineText(bytes.subarray(start, end));
      start = end + 1;
      this.lines += 1;
      if (text.trim() === '') continue;
      const record = parseJsonLine(text);
      if (record === undefined) {
        this.corrupt += 1;
        this.corruptLines.push(this.lines);
      } else records.push(record as T);
    }
    const rest = bytes.subarray(Math.max(start, lastNewline + 1));
    if (this.skippingLine || rest.length > this.maxLineBytes) {
      if (!this.skippingLine) {
        this.corrupt += 1;
        this.corruptLines.push(this.lines + 1);
      }
      this.skippingLine = true;
      this.pending = Buffer.alloc(0);
    } else {
      this.pending = Buffer.from(rest);
    }
    return records;
  }

  /** The file ends in an unfinished line (a writer mid-line), not yet returned. */
  get partial(): boolean {
    return this.pending.length > 0 || this.skippingLine;
  }

  private restart(identity: string | null): void {
    this.offset = 0;
    this.lines = 0;
    this.corruptLines = [];
    this.pending = Buffer.alloc(0);
    this.skippingLine = false;
    this.head = Buffer.alloc(0);
    this.identity = identity;
  }

  private sameHead(fd: number): boolean {
    if (this.head.length === 0) return true;
    return readAt(fd, 0, this.head.length).equals(this.head);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}
