// The live view's source for one run: metrics.jsonl tailed by byte offset (each poll reads only what the
// trainer appended), kept as columns, and cut into chart frames for what the webview currently shows.
// A view that follows a short run gets only the new points; anything else gets a fresh frame.

import * as path from 'node:path';
import { JsonlTail } from '../runs/jsonl-tail';
import { RUN_FILES } from '../runs/paths';
import { isEpochRecordShape } from '../runs/record-checks';
import type { EpochRecord } from '../runs/types';
import type { SeriesFrame } from '../../shared/series';
import { estimateEtaSeconds } from './eta';
import { SeriesStore, type FrameRequest } from './seriesStore';

const DEFAULT_REQUEST: FrameRequest = { from: null, to: null, points: 1000, smoothing: 0 };

export class LiveRunFeed {
  readonly store = new SeriesStore();
  private readonly tail: JsonlTail<unknown>;
  private request: FrameRequest = DEFAULT_REQUEST;
  /** Points the webview holds for the current request when it is a raw (not downsampled) full view. */
  private sentRaw: number | null = null;

  constructor(readonly runDir: string) {
    this.tail = new JsonlTail(path.join(runDir, RUN_FILES.metrics));
  }

  /** Reads what was appended; true when there is something new to show. */
  poll(): boolean {
    const { records, restarted } = this.tail.pollChanges();
    if (restarted) {
      this.store.clear();
      this.sentRaw = null;
    }
    const epochs = records.filter(
      (r): r is EpochRecord => typeof r === 'object' && r !== null && isEpochRecordShape(r),
    );
    if (this.store.append(epochs)) this.sentRaw = null;
    return restarted || epochs.length > 0;
  }

  get latest(): EpochRecord | null {
    return this.store.latest;
  }

  etaSeconds(epochs: number): number | null {
    return estimateEtaSeconds(this.store.recentElapsed(6), this.store.lastEpoch, epochs);
  }

  /** A whole frame for a (new) request; it becomes the one later updates follow. */
  frameFor(request: FrameRequest): SeriesFrame {
    this.request = request;
    const data = this.store.frame(request);
    const followsAll = request.from === null && request.to === null;
    this.sentRaw = followsAll && !data.downsampled ? data.x.length : null;
    return { runDir: this.runDir, ...data, append: false };
  }

  /** After a poll that found records: what the webview needs, or null when its zoomed range is fixed. */
  update(): SeriesFrame | null {
    const r = this.request;
    if (r.to !== null) return null;
    const total = this.store.length;
    if (this.sentRaw !== null && r.from === null && total <= 2 * r.points && total >= this.sentRaw) {
      const data = this.store.tail(this.sentRaw, r.smoothing);
      this.sentRaw = total;
      return { runDir: this.runDir, ...data, append: true };
    }
    return this.frameFor(r);
  }
}
