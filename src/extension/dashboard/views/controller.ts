// One dashboard view's host side (live run, seed comparison, fusion inspector), behind the panel that owns
// the webview: the panel handles what every view shares (ready, stop, resume, exports) and hands the rest
// to its view's controller.

import type { RunInfo } from '../../../core/runs/reader';
import type { WebviewToHost } from '../../../protocol/dashboard';
import type { RunStore } from '../../runStore';
import type { PanelTransport } from '../transport';

export interface ViewContext {
  transport: PanelTransport;
  store: RunStore;
  /** The run folders this panel shows (the only ones its messages may name). */
  runDirs: readonly string[];
  trainerScript: string;
}

export interface ViewController {
  /** The webview (re)started: send everything it shows. */
  sendAll(): void;
  /** The run store re-read these run folders. */
  onStoreChange(dirs: readonly string[]): void;
  /** A message for this view; false when it is not one this view answers. */
  handle(message: WebviewToHost): Promise<boolean>;
  dispose(): void;
}

export function runsOf(context: ViewContext): RunInfo[] {
  return context.runDirs.map((d) => context.store.get(d)).filter((r) => r !== undefined);
}
