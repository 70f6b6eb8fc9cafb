// A running run's metrics.jsonl followed by byte offset: each read parses only the lines appended since the
// last one, so a live view of a 100 000-epoch run costs what the new epochs cost, not the whole file.

import { JsonlTail } from './jsonl-tail';
import { isEpochRecordShape } from './record-checks';
import type { EpochRecord } from './types';

export interface MetricsContents {
  /** One record per epoch (the last one written wins), in epoch order. */
  epochs: EpochRecord[];
  metrics: { corrupt: number; corruptLines: number[]; partialTail: boolean };
}

export class MetricsFollower {
  private readonly tail: JsonlTail<object>;
  private readonly byEpoch = new Map<number, EpochRecord>();
  /** byEpoch's values in epoch order, kept by appending while epochs arrive in order (they do, but after a resume). */
  private ordered: EpochRecord[] = [];
  /** Records that parse but are not epoch-shaped: counted as corrupt, like the whole-file read does. */
  private misshapen = 0;

  /** `pollBytes`: the most of the file one read parses (a long history is caught up over several reads). */
  constructor(
    readonly file: string,
    limits: { pollBytes?: number } = {},
  ) {
    this.tail = new JsonlTail<object>(file, limits);
  }

  /** Bytes read from the file so far. */
  get bytesRead(): number {
    return this.tail.bytesRead;
  }

  read(): MetricsContents {
    const { records, restarted } = this.tail.pollChanges();
    if (this.tail.problem) throw new Error(this.tail.problem);
    if (restarted) {
      this.byEpoch.clear();
      this.ordered = [];
      this.misshapen = 0;
    }
    let reorder = false;
    for (const r of records) {
      if ((r as { type?: unknown }).type !== 'epoch') continue;
      if (!isEpochRecordShape(r)) {
        this.misshapen += 1;
        continue;
      }
      const record = r as EpochRecord;
      this.byEpoch.set(record.epoch, record);
      if (!reorder && record.epoch > (this.ordered.at(-1)?.epoch ?? -Infinity)) this.ordered.push(record);
      else reorder = true;
    }
    if (reorder) this.ordered = [...this.byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
    return {
      epochs: [...this.ordered],
      metrics: {
        corrupt: this.tail.corruptLines.length + this.misshapen,
        corruptLines: [...this.tail.corruptLines],
        partialTail: this.tail.partial,
      },
    };
  }
}
