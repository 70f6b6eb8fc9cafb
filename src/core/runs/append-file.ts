// A file opened once for appending, where each `write` is one `fs.writeSync` of the whole text on an
// O_APPEND descriptor. The bytes are in the OS page cache when `write` returns, so a process killed at any
// moment loses nothing it wrote, and there is no user-space buffer or async queue to lose. No fsync per
// write: that would make every training step wait for the disk; only a power cut can cost the last lines.

import * as fs from 'node:fs';
import { openAppendFileSync, openRegularFileSync } from '../io/regular-file';
import { asWriteError } from '../io/write-error';

export class AppendFile {
  private fd: number | null;

  constructor(readonly file: string) {
    this.fd = openAppendFileSync(file);
  }

  write(text: string): void {
    if (this.fd === null) throw new Error(`${this.file}: write after close`);
    const bytes = Buffer.from(text, 'utf8');
    // writeSync may write fewer bytes than asked (disk nearly full, signals): finish the text.
    let done = 0;
    try {
      while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      throw asWriteError(this.file, error);
    }
  }

  /** The last byte of the file, or null when it is empty. */
  lastByte(): number | null {
    if (this.fd === null) throw new Error(`${this.file}: read after close`);
    const size = fs.fstatSync(this.fd).size;
    if (size === 0) return null;
    const last = Buffer.alloc(1);
    const readFd = openRegularFileSync(this.file).fd; // the append descriptor is write-only
    try {
      fs.readSync(readFd, last, 0, 1, size - 1);
    } finally {
      fs.closeSync(readFd);
    }
    return last[0];
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
