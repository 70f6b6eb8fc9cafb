// The seed comparison: the panel's seed groups beside the latest group of every other config on the same
// dataset, sent again (debounced) when one of their runs changes.

import type { WebviewToHost } from '../../../protocol/dashboard';
import { compareGroups } from '../compareData';
import { runsOf, type ViewContext, type ViewController } from './controller';

const COMPARE_DEBOUNCE_MS = 300;

export class CompareController implements ViewController {
  private timer: NodeJS.Timeout | undefined;
  /** What was sent last: an unchanged comparison is not sent again. */
  private signature = '';

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

  async handle(_message: WebviewToHost): Promise<boolean> {
    return false;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private send(): void {
    if (!this.context.transport.ready) return;
    const groups = compareGroups(runsOf(this.context), this.context.store.all);
    const signature = groups
      .flatMap((g) =>
        g.runs.map((r) => `${r.run.runDir}:${r.records.length}:${r.run.state}:${r.run.summary ? 1 : 0}`),
      )
      .join('|');
    if (signature === this.signature) return;
    this.signature = signature;
    this.context.transport.post({ type: 'compareData', groups });
  }
}
