// Follows a growing JSON-lines file by byte offset, for live views: each poll reads only what was appended
// since the last one. Lines are split on raw bytes and decoded only when complete, so a multi-byte
// character cut by a poll boundary is never garbled.

import * as fs from 'node:fs';
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

export class JsonlTail<T> {
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);
  private identity: string | null = null;
  private head: Buffer = Buffer.alloc(0);
  /** Complete lines that were not a JSON object, since construction. */
  corrupt = 0;

  constructor(readonly file: string) {}

  /** New complete records since the last call; an unfinished last line waits for the next call. */
  poll(): T[] {
    return this.pollChanges().records;
  }

  pollChanges(): JsonlPoll<T> {
    let restarted = false;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      // Not created yet, or deleted: a later file is read from its start.
      restarted = this.offset > 0 || this.pending.length > 0;
      this.restart(null);
      return { records: [], restarted };
    }
    const identity = `${stat.dev}:${stat.ino}`;
    if (
      this.identity !== null &&
      (identity !== this.identity || stat.size < this.offset || !this.sameHead())
    ) {
      restarted = true;
      this.restart(identity);
    }
    this.identity = identity;
    if (stat.size === this.offset) return { records: [], restarted };

    const chunk = this.readFrom(this.offset, stat.size - this.offset);
    this.offset += chunk.length;
    if (this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
    }
    const bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    this.pending = Buffer.from(bytes.subarray(lastNewline + 1));
    const records: T[] = [];
    let start = 0;
    while (start <= lastNewline) {
      const end = bytes.indexOf(NEWLINE, start);
      const text = lineText(bytes.subarray(start, end));
      start = end + 1;
      if (text.trim() === '') continue;
      const record = parseJsonLine(text);
      if (record === undefined) this.corrupt += 1;
      else records.push(record as T);
    }
    return { records, restarted };
  }

  private restart(identity: string | null): void {
    this.offset = 0;
    this.pending = Buffer.alloc(0);
    this.head = Buffer.alloc(0);
    this.identity = identity;
  }

  private sameHead(): boolean {
    if (this.head.length === 0) return true;
    return this.readFrom(0, this.head.length).equals(this.head);
  }

  private readFrom(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const fd = fs.openSync(this.file, 'r');
    try {
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, buffer, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return buffer.subarray(0, done);
    } finally {
      fs.closeSync(fd);
    }
  }
}
