// The effective config: the run's config.json (the resolved config the trainer used), every value beside the
// default it would have had without the key. config.json is written once at the start, so it is sent once.

import { configEntries } from '../../../core/config/defaultsDiff';
import type { WebviewToHost } from '../../../protocol/dashboard';
import { runsOf, type ViewContext, type ViewController } from './controller';

export class ConfigController implements ViewController {
  constructor(private readonly context: ViewContext) {}

  sendAll(): void {
    for (const run of runsOf(this.context)) {
      const config = run.resolved;
      this.context.transport.post({
        type: 'runConfig',
        runDir: run.dir,
        configFile: config?.run.configFile ?? null,
        entries: config ? configEntries(config) : null,
      });
    }
  }

  onStoreChange(): void {
    // config.json does not change during a run.
  }

  async handle(_message: WebviewToHost): Promise<boolean> {
    return false;
  }

  dispose(): void {}
}
