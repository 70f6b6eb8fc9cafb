// The live run view: metrics.jsonl tailed by offset (a few times a second while the run is running), chart
// frames cut to what the webview shows, and the header (state, latest epoch, time left).

import { LiveRunFeed } from '../../../core/series/liveRunFeed';
import type { WebviewToHost } from '../../../protocol/dashboard';
import { toRunView } from '../../runView';
import { runsOf, type ViewContext, type ViewController } from './controller';

/** The live view re-reads metrics.jsonl this often while a run is running: an epoch shows within a second. */
const LIVE_POLL_MS = 400;

export class LiveController implements ViewController {
  private readonly feeds = new Map<string, LiveRunFeed>();
  private readonly poller: NodeJS.Timeout;

  constructor(private readonly context: ViewContext) {
    for (const dir of context.runDirs) this.feeds.set(dir, new LiveRunFeed(dir));
    this.poller = setInterval(() => this.pollLive(), LIVE_POLL_MS);
  }

  sendAll(): void {
    for (const run of runsOf(this.context)) {
      this.feedOf(run.dir).poll();
      this.sendRunUpdate(run.dir);
    }
  }

  onStoreChange(dirs: readonly string[]): void {
    for (const dir of dirs) {
      if (!this.context.runDirs.includes(dir)) continue;
      this.pollFeed(dir);
      this.sendRunUpdate(dir);
    }
  }

  async handle(message: WebviewToHost): Promise<boolean> {
    if (message.type !== 'requestSeries') return false;
    const feed = this.feedOf(message.runDir);
    feed.poll();
    this.context.transport.post({
      type: 'series',
      requestId: message.requestId,
      frame: feed.frameFor(message),
    });
    return true;
  }

  dispose(): void {
    clearInterval(this.poller);
  }

  private feedOf(runDir: string): LiveRunFeed {
    let feed = this.feeds.get(runDir);
    if (!feed) {
      feed = new LiveRunFeed(runDir);
      this.feeds.set(runDir, feed);
    }
    return feed;
  }

  /** While a run is running, reads its new epochs without waiting for the run store's debounced re-read. */
  private pollLive(): void {
    if (!this.context.transport.ready) return;
    for (const dir of this.context.runDirs) {
      const state = this.context.store.get(dir)?.status?.state;
      if (state === 'running' && this.pollFeed(dir)) this.sendRunUpdate(dir);
    }
  }

  private pollFeed(runDir: string): boolean {
    const feed = this.feedOf(runDir);
    if (!feed.poll()) return false;
    const frame = feed.update();
    if (frame) this.context.transport.post({ type: 'series', requestId: null, frame });
    return true;
  }

  private sendRunUpdate(runDir: string): void {
    const run = this.context.store.get(runDir);
    if (!run) return;
    const feed = this.feedOf(runDir);
    const view = toRunView(run);
    const latest = feed.latest ?? run.lastEpoch;
    // The header's epoch follows the freshest source (the tail can be ahead of the store's re-read).
    if (latest && latest.epoch > view.epoch) view.epoch = latest.epoch;
    const eta = view.state === 'running' ? feed.etaSeconds(view.epochs) : null;
    this.context.transport.post({ type: 'runUpdate', run: view, latest, etaSeconds: eta });
  }
}
