// The comparison: the panel's seed groups beside the latest group of every other config on the same
// dataset (their curves), and the table `mla compare` builds over the same runs at the split, epoch and
// reference the webview asks for, over the configs it did not remove; both sent again (debounced) when one of their runs changes.

import type { RunInfo } from '../../../core/runs/reader';
import type { CompareGroup, WebviewToHost } from '../../../protocol/dashboard';
import { compareGroups } from '../compareData';
import { shownGroups } from '../../../shared/shownGroups';
import { compareTableFor, type CompareTableRequest } from '../compareTable';
import { runsOf, type ViewContext, type ViewController } from './controller';

const COMPARE_DEBOUNCE_MS = 300;

export class CompareController implements ViewController {
  private timer: NodeJS.Timeout | undefined;
  /** What was sent last: an unchanged comparison is not sent again. */
  private signature = '';
  /** The table the webview last asked for; none until it asks. */
  private request: CompareTableRequest | null = null;
  /** Keys of the seed groups the webview took out of the comparison: the table leaves their runs out. */
  private removed: readonly string[] = [];

  constructor(private readonly context: ViewContext) {}

  sendAll(): void {
    this.signature = '';
    this.send();
  }

  onStoreChange(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, COMPARE_DEBOUNCE_MS);
  }

  async handle(message: WebviewToHost): Promise<boolean> {
    if (message.type !== 'requestCompareTable') return false;
    this.request = { metric: message.metric, epoch: message.epoch, reference: message.reference };
    this.removed = message.removed ?? [];
    this.sendTable(message.requestId, this.groups());
    return true;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private groups(): CompareGroup[] {
    return compareGroups(runsOf(this.context), this.context.store.all);
  }

  /** The runs of the groups the view shows, in the groups' order (the table's rows follow it). */
  private comparedRuns(groups: CompareGroup[]): RunInfo[] {
    return groups.flatMap((g) =>
      g.runs.map((r) => this.context.store.get(r.run.runDir)).filter((r) => r !== undefined),
    );
  }

  private send(): void {
    if (!this.context.transport.ready) return;
    const groups = this.groups();
    const signature = groups
      .flatMap((g) =>
        g.runs.map((r) => `${r.run.runDir}:${r.records.length}:${r.run.state}:${r.run.summary ? 1 : 0}`),
      )
      .join('|');
    if (signature === this.signature) return;
    this.signature = signature;
    this.context.transport.post({ type: 'compareData', groups });
    this.sendTable(null, groups);
  }

  /** `groups`: all of the comparison's; the table leaves out those the webview removed. */
  private sendTable(requestId: number | null, groups: CompareGroup[]): void {
    if (!this.request) return;
    const runs = this.comparedRuns(shownGroups(groups, this.removed));
    this.context.transport.post({ type: 'compareTable', requestId, ...compareTableFor(runs, this.request) });
  }
}
